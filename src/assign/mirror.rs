//! Successive shortest paths inserted from the right side: the mirror of
//! [`ssp`](super::ssp), for graphs whose right side is the scarce one.
//!
//! # Why a mirror
//!
//! [`ssp`](super::ssp) inserts left vertices one at a time; each search
//! stops at the first right vertex with spare capacity. When the right side
//! has less capacity than there are left vertices (100 000 participants
//! for 76 000 mentor places, or 17 000 offer slots), spare capacity runs
//! out halfway through, and every later search must cross most of the
//! graph to learn that no free place is left. Inserting from the scarce
//! side instead (Jonker & Volgenant's rule for rectangular problems: insert
//! the smaller side) keeps the other side's free vertices plentiful to the
//! end, so searches stay short.
//!
//! # Formulation
//!
//! The same linear program as [`ssp`](super::ssp) (left vertices take at
//! most one right vertex, right vertex `j` at most `c_j` left vertices,
//! weights `w' = w + offset`), with the same duals: `u` on the left, `v` on
//! the right, `u_i + v_j ≥ w'_ij` on every edge, tight on assigned edges,
//! `u, v ≥ 0`, `u_i = 0` if `i` is unassigned and `v_j = 0` unless `j` is
//! full. Right vertices are inserted in index order, one unit of capacity
//! at a time, until a unit stays unused (then all later ones would too).
//!
//! # One unit of right vertex `s`
//!
//! Dijkstra from `s` over alternating paths. A right vertex `j` reached at
//! `d` relaxes its edges to left vertices it does not hold (arc length the
//! slack `v_j + u_i − w'_ij`, non-negative for inserted `j`; for the first
//! unit of a new `s`, `v_s` starts at 0 and only these first arcs may be
//! negative). A left vertex `i` held by another right vertex `j'` leads to
//! `j'` at the same distance (the assigned edge is tight); `j'` also
//! reaches every left vertex it holds at that distance, so they are
//! finalised with it and assigned edges stay tight after the update. Sinks:
//! a free left vertex (its distance), or "one unit of a reached right
//! vertex `j` stays unused" at `d(j) + v_j` (for `s` itself, `v_s`). With
//! `D` the best sink, finalised right vertices move `v −= D − d` and
//! finalised left vertices `u += D − d`; the argument of
//! [`ssp`](super::ssp) carries over with the sides exchanged: slacks stay
//! non-negative, `v ≥ 0` because every reached right vertex's stay sink was
//! no shorter than `D`, a right vertex whose unit stays gets `v = 0`, and a
//! left vertex once assigned stays assigned (augmenting paths only move
//! it), so `u = 0` on free ones.
//!
//! A held left vertex's `u` is not stored: its edge is tight, so it is
//! `w'_ij − v_j` of the right vertex `j` that holds it. Finalising a right
//! vertex thus finalises the left vertices it holds without touching them
//! (one is final when its holder is), and the dual update moves `v` alone.
//! A mentor holds some sixteen participants at a million, and marking and
//! moving each of them took a quarter of the mentor side's first solve.
//!
//! # Pruning
//!
//! A search stops at the first sink, and an arc that cannot beat the best
//! sink is never queued. Each right vertex keeps its edges by increasing
//! key `u_i − w'_ij`, at the `u` of when it was sorted; `u` only grows, so
//! a key stays a lower bound, and an arc's length is at least
//! `d + v_j + key`: once that reaches the best sink, the rest of the list
//! is skipped (on the national benchmark at 100 000 participants, with
//! the keys at `u = 0`, this cut the mentor side from 4.6 s to about
//! 1 s). The keys grow stale as `u` grows, so a row is sorted again at the
//! current `u` once its scans since the last sort read [`REKEY`] times its
//! length (at a million participants the mentor side's first solve read
//! 862 million edges, 7 % of them useful, with the keys at `u = 0`, and
//! took 12.3 s rather than 8). Each right vertex also caches a lower bound on
//! `u_i − w'_ij` over the left vertices it does not hold (`u` only grows;
//! when it releases a left vertex, that edge's value `−v_j` joins the
//! bound), so a reached right vertex that cannot lead below the best sink
//! is not scanned.
//!
//! A warm [`resolve`] sorts its right vertices' edges at the start of its
//! last step (`u` only grows in that step), and its left vertices' by
//! increasing `v_j − w'_ij` for its re-insertions (during which `v` only
//! grows): at a million participants, 97–99 % of the edges its
//! re-insertions read in full could not beat the best sink.

use super::Stop;
use super::held::Held;
use super::problem::{Graph, sort_zipped};
use super::ssp::{NONE, Solution};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A right vertex's row is sorted again once its scans since the last
/// sort read this many times its length.
const REKEY: u64 = 8;

/// [`State::scanned`] of a row not sorted yet: sorted before its first scan.
const UNSORTED: u64 = u64::MAX;

/// A warm solve that re-inserts more than one left vertex in this many
/// sorts every row before it starts (else each row at its first use).
const EAGER: usize = 32;

#[derive(Clone, Copy)]
enum Sink {
    /// A free left vertex.
    Free(u32),
    /// One unit of this right vertex stays unused.
    Stay(u32),
}

struct State {
    /// Transposed adjacency: the left vertices and weights `w + offset` of
    /// right `j`, by increasing key (see [`State::sort_right`]).
    start: Vec<usize>,
    left: Vec<u32>,
    weight: Vec<i64>,
    /// The keys `u_i − w'_ij` of the order, at the `u` of their sorting.
    key: Vec<i64>,
    /// Per right vertex: edges scanned since its row was last sorted.
    scanned: Vec<u64>,
    /// A buffer for [`State::resort_row`].
    pairs: Vec<(i64, u32)>,
    /// [`REKEY`], or another factor in tests.
    rekey: u64,
    cap: Vec<u32>,
    /// `u` of the free left vertices; a held left vertex's `u` is
    /// `aw_i − v_j` (its edge is tight, see [`State::u_of`]), so a search
    /// moves the `v` of the right vertices it finalises only.
    u: Vec<i64>,
    /// The weight `w'` of each held left vertex's edge.
    aw: Vec<i64>,
    v: Vec<i64>,
    /// Lower bound on `u_i − w'_ij` over the edges of `j` it does not hold;
    /// `i64::MIN` when unknown, `i64::MAX` when there are none.
    lb: Vec<i64>,
    /// Who holds each left vertex, and whom each right vertex holds.
    held: Held,
    // Search state of left vertices, valid where `seen[i] == search`.
    seen: Vec<u32>,
    dist: Vec<i64>,
    pred: Vec<u32>,
    // Search state of right vertices, valid where `rseen[j] == search`.
    rseen: Vec<u32>,
    rpred: Vec<u32>,
    /// The weight `w'` of the edge each left vertex was last reached
    /// through in [`State::reach`] (from `pred`), and each right vertex in
    /// [`State::reinsert_left`] (from `rpred`).
    pw: Vec<i64>,
    rpw: Vec<i64>,
    /// Tentative distances of right vertices, for [`State::reinsert_left`]
    /// only (allocated on first use).
    rdist: Vec<i64>,
    /// For [`State::reinsert_left`] only (see [`State::sort_left`]): each
    /// left vertex's edges in `g.start` ranges, as right vertex and key
    /// `v_j − w'_ij` at `v_sorted`, by increasing key, once `left_sorted`
    /// says so.
    by_key: Vec<(u32, i64)>,
    v_sorted: Vec<i64>,
    left_sorted: Vec<bool>,
    search: u32,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    fin_right: Vec<(u32, i64)>,
}

/// Solve `max Σ (w + offset)` with optional assignment, inserting right
/// vertices (see the module docs). Same result type and duals as
/// [`ssp::solve`](super::ssp::solve); `None` if `stop` asked to stop.
pub(crate) fn solve(g: &Graph, offset: i64, stop: Stop<'_>) -> Option<Solution> {
    solve_with(g, offset, stop, REKEY)
}

/// [`solve`], rows sorted again after `rekey` times their length.
fn solve_with(g: &Graph, offset: i64, stop: Stop<'_>, rekey: u64) -> Option<Solution> {
    let mut s = State::new(g, offset, rekey);
    s.sort_right();
    for j in 0..g.n_right() as u32 {
        if stop.at(j as usize) {
            return None;
        }
        for _ in 0..s.cap[j as usize] {
            if !s.insert_unit(j) {
                break;
            }
        }
    }
    Some(s.solution())
}

/// [`solve`] started from `warm`, an optimal solution of a subgraph of `g`
/// (same vertices, fewer edges) at the same `offset`: the edges since
/// added may break dual feasibility, and only that is repaired.
///
/// 1. Each left vertex `i` whose new edges are not covered raises `u_i`
///    until they are; if its assigned edge is no longer tight, it gives
///    that place up. Every edge is then covered, assigned edges are tight,
///    but a freed left vertex may keep `u_i > 0`, and the right vertex it
///    left may have room with `v_j > 0`: complementary slackness fails
///    there only.
/// 2. Each such left vertex is re-inserted as in [`ssp`](super::ssp):
///    Dijkstra from it over alternating paths (right vertices by the slack
///    of their edge, a full right vertex to the left vertices it holds at
///    the same distance), with the sinks "a right vertex with room" and
///    "a reached left vertex, or the start, ends unassigned" at its
///    distance plus its `u`. The dual update (`u −= D − d`, `v += D − d`
///    on finalised vertices) keeps every edge covered and assigned ones
///    tight, the loads of full right vertices, `u ≥ 0`, and leaves the
///    vertex that ends unassigned at `u = 0`.
/// 3. Each right vertex with room and `v_j > 0` inserts units as in
///    [`solve`] until it is full or `v_j = 0` (its own "stay" sink is at
///    `v_j`; a free left vertex reached is taken).
///
/// Neither repair creates work for the other kind that is not done after
/// it (the augmenting paths of 2 keep the loads of the right vertices they
/// pass, and those of 3 only assign free left vertices), so at the end the
/// duals are feasible with complementary slackness: the result is optimal.
/// `None` if `stop` asked to stop.
pub(crate) fn resolve(g: &Graph, offset: i64, warm: &Solution, stop: Stop<'_>) -> Option<Solution> {
    resolve_with(g, offset, warm, stop, (REKEY, EAGER))
}

/// [`resolve`], rows sorted again after `rekey` times their length, and
/// all rows sorted up front when more than one left vertex in `eager` is
/// re-inserted (never with `eager` 0).
fn resolve_with(
    g: &Graph,
    offset: i64,
    warm: &Solution,
    stop: Stop<'_>,
    (rekey, eager): (u64, usize),
) -> Option<Solution> {
    let (n_left, n_right) = (g.n_left, g.n_right());
    let mut s = State::new(g, offset, rekey);
    s.v.copy_from_slice(&warm.v);
    for j in 0..n_right {
        s.v[j] = s.v[j].max(0);
    }
    for i in 0..n_left {
        let (rs, ws) = g.edges_of(i);
        let need = rs
            .iter()
            .zip(ws)
            .map(|(&j, &w)| w + offset - s.v[j as usize])
            .fold(warm.u[i].max(0), i64::max);
        s.u[i] = need;
        let j = warm.right_of[i];
        if j != NONE {
            let k = rs.binary_search(&j).expect("assigned pairs are edges");
            if need + s.v[j as usize] == ws[k] + offset {
                s.hold(i as u32, j, ws[k] + offset);
            }
        }
    }
    // A large repair sorts every row up front, on every thread; a small
    // one (the later rounds at a million participants) each row at its
    // first use.
    let repairs = (0..n_left)
        .filter(|&i| s.held.right_of[i] == NONE && s.u[i] > 0)
        .count();
    let eager = repairs.saturating_mul(eager) > n_left;
    if repairs > 0 {
        s.sort_left(g, offset, eager);
    }
    for i in 0..n_left as u32 {
        if stop.at(i as usize) {
            return None;
        }
        if s.held.right_of[i as usize] == NONE && s.u[i as usize] > 0 {
            s.reinsert_left(g, offset, i);
        }
    }
    // `u` fell in step 2: the cached bounds start unknown.
    s.lb.fill(i64::MIN);
    if eager {
        s.sort_right();
    } else {
        s.key = vec![0; g.right.len()];
        s.scanned = vec![UNSORTED; n_right];
    }
    for j in 0..n_right as u32 {
        if stop.at(j as usize) {
            return None;
        }
        let ju = j as usize;
        while s.held.load[ju] < s.cap[ju] && s.v[ju] > 0 {
            if !s.insert_unit(j) {
                break;
            }
        }
    }
    Some(s.solution())
}

/// The dual `u` of left vertex `i`: stored while it is free, else that
/// of its tight edge (see [`State::u`]).
#[inline]
fn dual_left(right_of: &[u32], u: &[i64], aw: &[i64], v: &[i64], i: usize) -> i64 {
    match right_of[i] {
        NONE => u[i],
        j => aw[i] - v[j as usize],
    }
}

/// One right vertex's edges (keys, left vertices, weights `w'`) sorted by
/// increasing key `u_i − w'_ij` at `u` (ties: lower left vertex first).
fn key_right_row(
    (key, left, weight): (&mut [i64], &mut [u32], &mut [i64]),
    pairs: &mut Vec<(i64, u32)>,
    u: impl Fn(u32) -> i64,
) {
    for ((k, &i), &w) in key.iter_mut().zip(&*left).zip(&*weight) {
        *k = u(i) - w;
    }
    sort_zipped(key, left, pairs, |&(k, i)| (k, i));
    for ((w, &i), &k) in weight.iter_mut().zip(&*left).zip(&*key) {
        *w = u(i) - k;
    }
}

/// One left vertex's edges (`rs`, weights `ws` less the offset) as right
/// vertex and key `v_j − w'_ij`, by increasing key (ties: lower `j` first).
fn key_left_row(row: &mut [(u32, i64)], (rs, ws): (&[u32], &[i64]), v: &[i64], offset: i64) {
    for ((e, &j), &w) in row.iter_mut().zip(rs).zip(ws) {
        *e = (j, v[j as usize] - (w + offset));
    }
    row.sort_unstable_by_key(|&(j, key)| (key, j));
}

impl State {
    /// The transposed graph with every vertex free and every dual 0.
    fn new(g: &Graph, offset: i64, rekey: u64) -> Self {
        let (n_left, n_right) = (g.n_left, g.n_right());
        let mut start = vec![0usize; n_right + 1];
        for &j in &g.right {
            start[j as usize + 1] += 1;
        }
        for j in 0..n_right {
            start[j + 1] += start[j];
        }
        // Filled straight into the two arrays the searches read (an array
        // of pairs sorted, then split in two, wrote every edge twice into
        // fresh pages: at a million participants some 100,000 page faults
        // per round).
        let mut fill = start.clone();
        let m = g.right.len();
        let (mut weight, mut left) = (vec![0i64; m], vec![0u32; m]);
        for i in 0..n_left {
            let (rs, ws) = g.edges_of(i);
            for (&j, &w) in rs.iter().zip(ws) {
                let k = &mut fill[j as usize];
                weight[*k] = w + offset;
                left[*k] = i as u32;
                *k += 1;
            }
        }
        let places = (0..n_right).map(|j| (start[j + 1] - start[j]).min(g.cap[j] as usize));
        let held = Held::new(n_left, places);
        State {
            start,
            left,
            weight,
            key: Vec::new(),
            scanned: Vec::new(),
            pairs: Vec::new(),
            rekey,
            cap: g.cap.clone(),
            u: vec![0; n_left],
            aw: vec![0; n_left],
            v: vec![0; n_right],
            lb: vec![i64::MIN; n_right],
            held,
            seen: vec![0; n_left],
            dist: vec![0; n_left],
            pred: vec![NONE; n_left],
            rseen: vec![0; n_right],
            rpred: vec![NONE; n_right],
            pw: vec![0; n_left],
            rpw: vec![0; n_right],
            rdist: Vec::new(),
            by_key: Vec::new(),
            v_sorted: Vec::new(),
            left_sorted: Vec::new(),
            search: 0,
            heap: BinaryHeap::new(),
            fin_right: Vec::new(),
        }
    }

    /// Each right vertex's edges by increasing key `u_i − w'_ij` at the
    /// current `u` (ties: lower left vertex first), so that a scan can stop
    /// early (see [`State::reach`]); `u` only grows from here on, so the
    /// keys stay lower bounds. The keys are distinct, so the order is the
    /// same on any number of threads (at a million participants the mentor
    /// side's graph is sorted once per pricing round; the other side is
    /// often done).
    fn sort_right(&mut self) {
        let n_right = self.cap.len();
        let u: Vec<i64> = (0..self.u.len()).map(|i| self.u_of(i)).collect();
        let mut key = vec![0; self.left.len()];
        let mut rows = Vec::with_capacity(n_right);
        let (mut ks, mut ls, mut ws) = (
            key.as_mut_slice(),
            self.left.as_mut_slice(),
            self.weight.as_mut_slice(),
        );
        for j in 0..n_right {
            let len = self.start[j + 1] - self.start[j];
            let (k_row, k_tail) = ks.split_at_mut(len);
            let (l_row, l_tail) = ls.split_at_mut(len);
            let (w_row, w_tail) = ws.split_at_mut(len);
            rows.push((k_row, l_row, w_row));
            (ks, ls, ws) = (k_tail, l_tail, w_tail);
        }
        rows.into_par_iter()
            .with_min_len(64)
            .for_each_init(Vec::new, |pairs, row| {
                key_right_row(row, pairs, |i| u[i as usize]);
            });
        self.key = key;
        self.scanned = vec![0; n_right];
    }

    /// Sort right vertex `j`'s edges again by their keys at the current
    /// `u` (see [`State::sort_right`]).
    fn resort_row(&mut self, j: usize) {
        let (a, b) = (self.start[j], self.start[j + 1]);
        let (right_of, u, aw, v) = (&self.held.right_of, &self.u, &self.aw, &self.v);
        key_right_row(
            (
                &mut self.key[a..b],
                &mut self.left[a..b],
                &mut self.weight[a..b],
            ),
            &mut self.pairs,
            |i| dual_left(right_of, u, aw, v, i as usize),
        );
        self.scanned[j] = 0;
    }

    fn solution(mut self) -> Solution {
        for i in 0..self.u.len() {
            self.u[i] = self.u_of(i);
        }
        Solution {
            right_of: self.held.right_of,
            u: self.u,
            v: self.v,
        }
    }

    /// The dual `u` of left vertex `i`.
    #[inline]
    fn u_of(&self, i: usize) -> i64 {
        dual_left(&self.held.right_of, &self.u, &self.aw, &self.v, i)
    }

    /// `j` takes `i` through an edge of weight `w'` (tight).
    fn hold(&mut self, i: u32, j: u32, w: i64) {
        self.aw[i as usize] = w;
        self.held.add(i, j);
    }

    /// `j` gives up `i`, whose `u` becomes explicit; the edge, tight until
    /// now, joins `j`'s bound.
    fn release(&mut self, i: u32, j: u32) {
        let ju = j as usize;
        self.u[i as usize] = self.aw[i as usize] - self.v[ju];
        self.held.remove(i, j);
        if self.lb[ju] != i64::MIN {
            self.lb[ju] = self.lb[ju].min(-self.v[ju]);
        }
    }

    /// The dual update after a search whose best sink is at `big_d`: each
    /// finalised right vertex moves `v` by `−sign·(D − d)` (`sign` is 1
    /// for a search from a right vertex, −1 from a left one), and each
    /// finalised left vertex `u` by the opposite: those it holds follow by
    /// themselves ([`State::u_of`]), and a search finalises no free one
    /// but its start, which the caller moves.
    fn move_duals(&mut self, big_d: i64, sign: i64) {
        for &(j, dj) in &self.fin_right {
            self.v[j as usize] -= sign * (big_d - dj);
        }
    }

    /// A new search: fresh stamps, empty heap and finalised lists.
    fn next_search(&mut self) {
        self.search = self.search.wrapping_add(1);
        if self.search == 0 {
            self.seen.fill(0);
            self.rseen.fill(0);
            self.search = 1;
        }
        self.heap.clear();
        self.fin_right.clear();
    }

    /// Before step 2 of [`resolve`]: `v` into `v_sorted`, and each left
    /// vertex's edges sorted by increasing key `v_sorted_j − w'_ij` (ties:
    /// lower `j` first), all of them now (`eager`, on every thread) or each
    /// at its first relaxation. Step 2 only raises `v`, so a key stays a
    /// lower bound of the current `v_j − w'_ij`, and a relaxation over the
    /// edges by increasing key can stop at the first whose key cannot lead
    /// below the best sink (see the module docs).
    fn sort_left(&mut self, g: &Graph, offset: i64, eager: bool) {
        self.v_sorted.clone_from(&self.v);
        self.left_sorted = vec![eager; g.n_left];
        if !eager {
            self.by_key = vec![(0, 0); g.right.len()];
            return;
        }
        let v = &self.v;
        let mut by_key = vec![(0, 0); g.right.len()];
        let mut rows: Vec<&mut [(u32, i64)]> = Vec::with_capacity(g.n_left);
        let mut rest = by_key.as_mut_slice();
        for i in 0..g.n_left {
            let (row, tail) = rest.split_at_mut(g.start[i + 1] - g.start[i]);
            rows.push(row);
            rest = tail;
        }
        rows.into_par_iter()
            .enumerate()
            .with_min_len(256)
            .for_each(|(i, row)| key_left_row(row, g.edges_of(i), v, offset));
        self.by_key = by_key;
    }

    /// Left vertex `i`'s edges by increasing key (ties: lower `j` first),
    /// at its first relaxation (see [`State::sort_left`]).
    fn sort_left_row(&mut self, g: &Graph, offset: i64, i: usize) {
        let row = &mut self.by_key[g.start[i]..g.start[i + 1]];
        key_left_row(row, g.edges_of(i), &self.v_sorted, offset);
        self.left_sorted[i] = true;
    }

    /// Step 2 of [`resolve`]: re-insert the free left vertex `r` (whose
    /// `u_r` may be positive) from the left, over the edges as
    /// [`State::sort_left`] ordered them. Right vertices are queued by
    /// tentative distance in `rdist` (`rseen` marks this search, `rpred`
    /// the left vertex they were reached from, `done` of a right vertex is
    /// its presence in `fin_right`, told by `rdist` set to `i64::MIN`).
    fn reinsert_left(&mut self, g: &Graph, offset: i64, r: u32) {
        #[derive(Clone, Copy)]
        enum Sink {
            Room(u32),
            Unassigned(u32),
        }
        if self.rdist.is_empty() {
            self.rdist = vec![0; self.cap.len()];
        }
        self.next_search();
        let ru = r as usize;
        let mut best = (self.u[ru], Sink::Unassigned(r));
        // Relax the edges of left vertex `i` (dual `u_i`), finalised at
        // `d`: by increasing key, until the key shows that no later edge
        // can beat the best sink.
        let relax = |s: &mut State, i: u32, u_i: i64, d: i64, best: i64| {
            let iu = i as usize;
            if !s.left_sorted[iu] {
                s.sort_left_row(g, offset, iu);
            }
            let own = s.held.right_of[iu];
            let base = d + u_i;
            for k in g.start[iu]..g.start[iu + 1] {
                let (j, key) = s.by_key[k];
                if base + key >= best {
                    break;
                }
                let ju = j as usize;
                if j == own {
                    continue;
                }
                let nd = base + key + (s.v[ju] - s.v_sorted[ju]);
                if nd >= best {
                    continue;
                }
                if s.rseen[ju] == s.search {
                    if s.rdist[ju] == i64::MIN || nd >= s.rdist[ju] {
                        continue;
                    }
                } else {
                    s.rseen[ju] = s.search;
                }
                s.rdist[ju] = nd;
                s.rpred[ju] = i;
                s.rpw[ju] = s.v_sorted[ju] - key;
                s.heap.push(Reverse((nd, j)));
            }
        };
        relax(self, r, self.u[ru], 0, best.0);
        while let Some(Reverse((d, j))) = self.heap.pop() {
            if d >= best.0 {
                break;
            }
            let ju = j as usize;
            if self.rdist[ju] != d {
                continue; // stale, or already finalised (i64::MIN)
            }
            self.rdist[ju] = i64::MIN;
            self.fin_right.push((j, d));
            if self.held.load[ju] < self.cap[ju] {
                best = (d, Sink::Room(j));
                break;
            }
            let vj = self.v[ju];
            for k in 0..self.held.load[ju] as usize {
                let h = self.held.slot(ju, k);
                let u_h = self.aw[h as usize] - vj;
                if d + u_h < best.0 {
                    best = (d + u_h, Sink::Unassigned(h));
                }
            }
            for k in 0..self.held.load[ju] as usize {
                let h = self.held.slot(ju, k);
                relax(self, h, self.aw[h as usize] - vj, d, best.0);
            }
        }
        self.move_duals(best.0, -1);
        self.u[ru] -= best.0;
        // Augment: each left vertex on the path moves to the right vertex
        // it reached; the right vertex it leaves takes the one before.
        let mut right = match best.1 {
            Sink::Room(j) => j,
            Sink::Unassigned(h) => {
                if h == r {
                    return;
                }
                let j = self.held.right_of[h as usize];
                self.release(h, j);
                j
            }
        };
        loop {
            let i = self.rpred[right as usize];
            let own = self.held.right_of[i as usize];
            if own != NONE {
                self.held.remove(i, own);
            }
            self.hold(i, right, self.rpw[right as usize]);
            if i == r {
                return;
            }
            right = own;
        }
    }

    /// Right vertex `j` is reached at `d`: finalise it (and with it the
    /// left vertices it holds), offer its stay sink, and relax its other
    /// edges unless its bound shows they cannot beat the best sink.
    fn reach(&mut self, j: u32, d: i64, mut best: (i64, Sink)) -> (i64, Sink) {
        let ju = j as usize;
        self.rseen[ju] = self.search;
        self.fin_right.push((j, d));
        let base = d + self.v[ju];
        if base < best.0 {
            best = (base, Sink::Stay(j));
        }
        let lb = self.lb[ju];
        if lb != i64::MIN && (lb == i64::MAX || base.saturating_add(lb) >= best.0) {
            return best;
        }
        if self.scanned[ju] == UNSORTED {
            self.resort_row(ju);
        }
        let mut m = i64::MAX;
        let (row_a, row_b) = (self.start[ju], self.start[ju + 1]);
        let mut end = row_b;
        for k in row_a..row_b {
            // Edges come by increasing key, a lower bound on `u − w'`:
            // once `base + key` reaches the best sink, no later edge can
            // improve on it, and the key bounds their `u − w'` from below.
            let kk = self.key[k];
            if base + kk >= best.0 {
                m = m.min(kk);
                end = k;
                break;
            }
            let i = self.left[k];
            let iu = i as usize;
            let h = self.held.right_of[iu];
            if h == j {
                continue;
            }
            let wk = self.weight[k];
            let u_i = if h == NONE {
                self.u[iu]
            } else {
                self.aw[iu] - self.v[h as usize]
            };
            let x = u_i - wk;
            m = m.min(x);
            let nd = base + x;
            if nd >= best.0 {
                continue;
            }
            // Held by a right vertex this search finalised: final too.
            if h != NONE && self.rseen[h as usize] == self.search {
                continue;
            }
            if self.seen[iu] == self.search {
                if nd >= self.dist[iu] {
                    continue;
                }
            } else {
                self.seen[iu] = self.search;
            }
            self.dist[iu] = nd;
            self.pred[iu] = j;
            self.pw[iu] = wk;
            if h == NONE {
                best = (nd, Sink::Free(i));
            } else {
                self.heap.push(Reverse((nd, i)));
            }
        }
        self.lb[ju] = m;
        self.scanned[ju] += (end - row_a) as u64;
        if self.scanned[ju] > self.rekey * (row_b - row_a) as u64 {
            self.resort_row(ju);
        }
        best
    }

    /// Insert one unit of `s`; false if it stays unused.
    fn insert_unit(&mut self, s: u32) -> bool {
        self.next_search();
        let mut best = (i64::MAX, Sink::Stay(s));
        best = self.reach(s, 0, best);
        while let Some(Reverse((d, i))) = self.heap.pop() {
            if d >= best.0 {
                break;
            }
            let iu = i as usize;
            let j = self.held.right_of[iu];
            if d != self.dist[iu] || self.rseen[j as usize] == self.search {
                continue; // stale, or finalised with its right vertex
            }
            self.rpred[j as usize] = i;
            best = self.reach(j, d, best);
        }
        self.move_duals(best.0, 1);
        // Augment from the sink back to s. Each right vertex on the path
        // first gives up the left vertex it was reached through, then takes
        // the next one, so no load ever exceeds its capacity.
        let mut i = match best.1 {
            Sink::Free(i) => i,
            Sink::Stay(j) => {
                if j == s {
                    return false;
                }
                let i = self.rpred[j as usize];
                self.release(i, j);
                i
            }
        };
        loop {
            let j = self.pred[i as usize];
            let w = self.pw[i as usize];
            if j == s {
                self.hold(i, j, w);
                return true;
            }
            let next = self.rpred[j as usize];
            self.release(next, j);
            self.hold(i, j, w);
            i = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(g: &Graph, s: &Solution, offset: i64) -> i64 {
        (0..g.n_left)
            .filter(|&i| s.right_of[i] != NONE)
            .map(|i| {
                let (rs, ws) = g.edges_of(i);
                ws[rs.iter().position(|&j| j == s.right_of[i]).unwrap()] + offset
            })
            .sum()
    }

    /// Dual feasibility and complementary slackness (the optimality proof).
    fn check_duals(g: &Graph, s: &Solution, offset: i64) {
        let mut load = vec![0u32; g.n_right()];
        for i in 0..g.n_left {
            let (rs, ws) = g.edges_of(i);
            assert!(s.u[i] >= 0);
            if s.right_of[i] == NONE {
                assert_eq!(s.u[i], 0, "free left {i}");
            } else {
                load[s.right_of[i] as usize] += 1;
            }
            for (&j, &w) in rs.iter().zip(ws) {
                let slack = s.u[i] + s.v[j as usize] - w - offset;
                assert!(slack >= 0, "edge {i}-{j}");
                if s.right_of[i] == j {
                    assert_eq!(slack, 0, "assigned edge {i}-{j}");
                }
            }
        }
        for j in 0..g.n_right() {
            assert!(s.v[j] >= 0 && load[j] <= g.cap[j]);
            if load[j] < g.cap[j] {
                assert_eq!(s.v[j], 0, "right {j} has room");
            }
        }
    }

    #[test]
    fn a_stop_request_ends_the_solve() {
        let g = Graph {
            n_left: 2,
            cap: vec![1],
            start: vec![0, 1, 2],
            right: vec![0, 0],
            weight: vec![5, 7],
        };
        let yes = || true;
        assert!(solve(&g, 0, Stop::when(&yes)).is_none());
        assert!(super::super::ssp::solve(&g, 0, Stop::when(&yes)).is_none());
        let no = || false;
        let s = solve(&g, 0, Stop::when(&no)).unwrap();
        assert_eq!(s.right_of, vec![NONE, 0]);
    }

    /// A xorshift generator: `rnd(m)` is uniform enough in `0..m`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        }
    }

    /// A random graph: 1 to `max_left` left and 1 to 4 right vertices,
    /// capacities 1 to 3, each edge present with probability 2/3, weights
    /// `low..low + 10`.
    fn random_graph(rnd: &mut impl FnMut(u64) -> u64, max_left: u64, low: i64) -> Graph {
        let n_left = 1 + rnd(max_left) as usize;
        let n_right = 1 + rnd(4) as usize;
        let cap: Vec<u32> = (0..n_right).map(|_| 1 + rnd(3) as u32).collect();
        let mut start = vec![0];
        let (mut right, mut weight) = (vec![], vec![]);
        for _ in 0..n_left {
            for j in 0..n_right {
                if rnd(3) > 0 {
                    right.push(j as u32);
                    weight.push(rnd(10) as i64 + low);
                }
            }
            start.push(right.len());
        }
        Graph {
            n_left,
            cap,
            start,
            right,
            weight,
        }
    }

    /// The edges of `g` that `keep` accepts, same vertices.
    fn subgraph(g: &Graph, mut keep: impl FnMut() -> bool) -> Graph {
        let mut sub = Graph {
            n_left: g.n_left,
            cap: g.cap.clone(),
            start: vec![0],
            right: vec![],
            weight: vec![],
        };
        for i in 0..g.n_left {
            let (rs, ws) = g.edges_of(i);
            for (&j, &w) in rs.iter().zip(ws) {
                if keep() {
                    sub.right.push(j);
                    sub.weight.push(w);
                }
            }
            sub.start.push(sub.right.len());
        }
        sub
    }

    #[test]
    fn a_warm_resolve_after_new_edges_is_optimal() {
        let mut rnd = xorshift(977);
        let mut repaired = 0;
        for case in 0..6000 {
            let g = random_graph(&mut rnd, 7, 0);
            let n_left = g.n_left;
            for offset in [0i64, 1000] {
                // Two rounds of new edges: a third of them, then all.
                let first = subgraph(&g, || rnd(3) == 0);
                let second = subgraph(&g, || rnd(2) == 0);
                let mut merged = Graph {
                    n_left,
                    cap: g.cap.clone(),
                    start: vec![0],
                    right: vec![],
                    weight: vec![],
                };
                for i in 0..n_left {
                    let mut e: Vec<(u32, i64)> = [&first, &second]
                        .iter()
                        .flat_map(|h| {
                            let (rs, ws) = h.edges_of(i);
                            rs.iter().copied().zip(ws.iter().copied())
                        })
                        .collect();
                    e.sort_unstable();
                    e.dedup();
                    merged.right.extend(e.iter().map(|x| x.0));
                    merged.weight.extend(e.iter().map(|x| x.1));
                    merged.start.push(merged.right.len());
                }
                // Every other case sorts rows again at every scan.
                // And every other pair of cases sorts rows at their first
                // use rather than up front.
                let rekey = if case % 2 == 0 { REKEY } else { 0 };
                let eager = if case % 4 < 2 { EAGER } else { 0 };
                let mut warm = solve_with(&first, offset, Stop::NEVER, rekey).unwrap();
                for h in [&merged, &g] {
                    let before = (warm.u.clone(), warm.right_of.clone());
                    warm = resolve_with(h, offset, &warm, Stop::NEVER, (rekey, eager)).unwrap();
                    check_duals(h, &warm, offset);
                    let cold = super::super::ssp::solve(h, offset, Stop::NEVER).unwrap();
                    assert_eq!(
                        total(h, &warm, offset),
                        total(h, &cold, offset),
                        "case {case} offset {offset}"
                    );
                    if before != (warm.u.clone(), warm.right_of.clone()) {
                        repaired += 1;
                    }
                }
            }
        }
        // The repairs really ran, not only the trivial keep-everything case.
        assert!(
            repaired > 1000,
            "only {repaired} warm solves changed anything"
        );
    }

    #[test]
    fn mirror_matches_ssp_small() {
        let mut rnd = xorshift(12345);
        for case in 0..20000 {
            let g = random_graph(&mut rnd, 6, -2);
            for offset in [0i64, 1000] {
                let a = super::super::ssp::solve(&g, offset, Stop::NEVER).unwrap();
                // Every other case sorts rows again at every scan.
                let rekey = if case % 2 == 0 { REKEY } else { 0 };
                let b = solve_with(&g, offset, Stop::NEVER, rekey).unwrap();
                check_duals(&g, &b, offset);
                let (ta, tb) = (total(&g, &a, offset), total(&g, &b, offset));
                if ta != tb {
                    eprintln!("case {case} offset {offset}: ssp {ta} mirror {tb}");
                    eprintln!(
                        "cap {:?} start {:?} right {:?} weight {:?}",
                        g.cap, g.start, g.right, g.weight
                    );
                    eprintln!("ssp {:?} mirror {:?}", a.right_of, b.right_of);
                    panic!();
                }
            }
        }
    }
}
