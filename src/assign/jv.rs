//! Jonker–Volgenant for a complete matrix with unit capacities (R. Jonker and
//! A. Volgenant, "A shortest augmenting path algorithm for dense and sparse
//! linear assignment problems", *Computing* 38, 1987, 325–340).
//!
//! Internally a minimisation of `c = −w` on a flat row-major `Vec<i64>`,
//! `rows ≤ cols` (the caller transposes otherwise):
//!
//! * square: column reduction, reduction transfer, two rounds of augmenting
//!   row reduction, then shortest augmenting paths for the rows left free;
//! * rectangular (`rows < cols`): shortest augmenting paths only, from
//!   `v = 0`. A free column is finalised only as a path's end, where its
//!   potential moves by 0, so free columns keep `v = 0`, assigned ones have
//!   `v ≤ 0`, and the duals are those of `Σ_i x_ij ≤ 1` (Crouse, "On
//!   implementing 2D rectangular assignment algorithms", IEEE TAES 52, 2016).
//!
//! Each augmentation is a Dijkstra with the dense O(cols) scan per row:
//! O(rows² · cols) time in the worst case, O(rows + cols) memory beyond the
//! matrix.

use super::ssp::NONE;

/// Assignment and max-form duals (`u_i + v_j ≥ w_ij`, equality on assigned
/// pairs; `v_j ≥ 0` with `v_j = 0` on free columns when `rows < cols`).
pub(crate) struct DenseSolution {
    pub col_of: Vec<u32>,
    pub u: Vec<i64>,
    pub v: Vec<i64>,
}

/// A matrix entry: `i32` or `i64`, read as `i64`.
pub(crate) trait Cell: Copy + Send + Sync {
    fn val(self) -> i64;
}

impl Cell for i16 {
    #[inline]
    fn val(self) -> i64 {
        i64::from(self)
    }
}

impl Cell for i32 {
    #[inline]
    fn val(self) -> i64 {
        i64::from(self)
    }
}

impl Cell for i64 {
    #[inline]
    fn val(self) -> i64 {
        self
    }
}

struct Jv<'a, T> {
    rows: usize,
    cols: usize,
    w: &'a [T],
    /// Min-form column potentials.
    v: Vec<i64>,
    x: Vec<u32>,
    y: Vec<u32>,
}

impl<T: Cell> Jv<'_, T> {
    #[inline]
    fn row(&self, i: usize) -> &[T] {
        &self.w[i * self.cols..(i + 1) * self.cols]
    }

    /// Column reduction and reduction transfer; returns the free rows.
    fn ccrrt(&mut self) -> Vec<u32> {
        let n = self.cols;
        let mut best = vec![i64::MAX; n];
        let mut arg = vec![0u32; n];
        for i in 0..self.rows {
            for (j, &w) in self.row(i).iter().enumerate() {
                let c = -w.val();
                if c < best[j] {
                    best[j] = c;
                    arg[j] = i as u32;
                }
            }
        }
        self.v.copy_from_slice(&best);
        let mut unique = vec![true; self.rows];
        for j in (0..n).rev() {
            let i = arg[j] as usize;
            if self.x[i] == NONE {
                self.x[i] = j as u32;
                self.y[j] = i as u32;
            } else {
                unique[i] = false;
                self.y[j] = NONE;
            }
        }
        let mut free = Vec::new();
        for i in 0..self.rows {
            if self.x[i] == NONE {
                free.push(i as u32);
            } else if unique[i] {
                let j = self.x[i] as usize;
                let row = self.row(i);
                let mut min = i64::MAX;
                for (j2, (&w, &v)) in row.iter().zip(&self.v).enumerate() {
                    if j2 != j {
                        min = min.min(-w.val() - v);
                    }
                }
                if min != i64::MAX {
                    self.v[j] -= min;
                }
            }
        }
        free
    }

    /// Augmenting row reduction; returns the rows still free.
    fn carr(&mut self, mut free: Vec<u32>) -> Vec<u32> {
        let n = self.cols;
        let mut current = 0usize;
        let mut new_free = 0usize;
        let mut rr_cnt = 0usize;
        let n_free = free.len();
        while current < n_free {
            rr_cnt += 1;
            let fi = free[current] as usize;
            current += 1;
            let row = &self.w[fi * n..(fi + 1) * n];
            let (mut j1, mut v1) = (0usize, -row[0].val() - self.v[0]);
            let (mut j2, mut v2) = (NONE as usize, i64::MAX);
            for j in 1..n {
                let c = -row[j].val() - self.v[j];
                if c < v2 {
                    if c >= v1 {
                        v2 = c;
                        j2 = j;
                    } else {
                        v2 = v1;
                        v1 = c;
                        j2 = j1;
                        j1 = j;
                    }
                }
            }
            let mut i0 = self.y[j1];
            let lowers = v2 != i64::MAX && v2 > v1;
            if rr_cnt < current * n {
                if lowers {
                    self.v[j1] -= v2 - v1;
                } else if i0 != NONE && j2 != NONE as usize {
                    j1 = j2;
                    i0 = self.y[j2];
                }
                if i0 != NONE {
                    if lowers {
                        current -= 1;
                        free[current] = i0;
                    } else {
                        free[new_free] = i0;
                        new_free += 1;
                    }
                }
            } else if i0 != NONE {
                free[new_free] = i0;
                new_free += 1;
            }
            self.x[fi] = j1 as u32;
            self.y[j1] = fi as u32;
        }
        free.truncate(new_free);
        free
    }

    /// Shortest augmenting paths for the given free rows: Dijkstra with
    /// sequential O(cols) scans of each row (finalised columns hold
    /// `d = i64::MIN`, so the scan needs no index list and no extra test).
    fn augment(&mut self, free: &[u32]) {
        const DONE: i64 = i64::MIN;
        let n = self.cols;
        let mut d = vec![0i64; n];
        let mut pred = vec![0u32; n];
        let mut ready: Vec<(u32, i64)> = Vec::new();
        let mut minset: Vec<u32> = Vec::new();
        for &fi in free {
            let start = fi as usize;
            let row = &self.w[start * n..(start + 1) * n];
            for ((dj, &w), &v) in d.iter_mut().zip(row).zip(&self.v) {
                *dj = -w.val() - v;
            }
            pred.fill(fi);
            ready.clear();
            let (final_j, mind) = 'search: loop {
                // The columns not yet final at the smallest distance.
                let mut mind = i64::MAX;
                minset.clear();
                for (j, &dj) in d.iter().enumerate() {
                    if dj <= mind && dj != DONE {
                        if dj < mind {
                            mind = dj;
                            minset.clear();
                        }
                        minset.push(j as u32);
                    }
                }
                if let Some(&j) = minset.iter().find(|&&j| self.y[j as usize] == NONE) {
                    break 'search (j as usize, mind);
                }
                for &j in &minset {
                    d[j as usize] = DONE;
                    ready.push((j, mind));
                }
                // Scan the rows behind the columns at distance `mind`; a
                // column reaching `mind` joins the queue.
                let mut q = 0;
                while q < minset.len() {
                    let j = minset[q] as usize;
                    q += 1;
                    let i = self.y[j];
                    let row = &self.w[i as usize * n..(i as usize + 1) * n];
                    let h = -row[j].val() - self.v[j] - mind;
                    for (k, ((dk, &w), &v)) in d.iter_mut().zip(row).zip(&self.v).enumerate() {
                        let c = -w.val() - v - h;
                        if c < *dk {
                            *dk = c;
                            pred[k] = i;
                            if c == mind {
                                if self.y[k] == NONE {
                                    break 'search (k, mind);
                                }
                                *dk = DONE;
                                ready.push((k as u32, mind));
                                minset.push(k as u32);
                            }
                        }
                    }
                }
            };
            for &(j, dj) in &ready {
                self.v[j as usize] += dj - mind;
            }
            // Flip the path.
            let mut j = final_j;
            loop {
                let i = pred[j] as usize;
                self.y[j] = i as u32;
                let next = self.x[i];
                self.x[i] = j as u32;
                if i == start {
                    break;
                }
                j = next as usize;
            }
        }
    }
}

/// Solve `max Σ w` over assignments of every row, `rows ≤ cols`, unit
/// capacities, complete matrix `w` (row-major, `rows × cols`).
pub(crate) fn solve<T: Cell>(rows: usize, cols: usize, w: &[T]) -> DenseSolution {
    debug_assert!(rows <= cols);
    let mut jv = Jv {
        rows,
        cols,
        w,
        v: vec![0; cols],
        x: vec![NONE; rows],
        y: vec![NONE; cols],
    };
    if rows > 0 {
        let free = if rows == cols {
            let mut free = jv.ccrrt();
            for _ in 0..2 {
                if free.is_empty() {
                    break;
                }
                free = jv.carr(free);
            }
            free
        } else {
            (0..rows as u32).collect()
        };
        jv.augment(&free);
    }
    // Max-form duals: V = −v, U_i = w_{i,x_i} − V_{x_i}.
    let v: Vec<i64> = jv.v.iter().map(|&x| -x).collect();
    let u = (0..rows)
        .map(|i| {
            let j = jv.x[i] as usize;
            w[i * cols + j].val() - v[j]
        })
        .collect();
    DenseSolution { col_of: jv.x, u, v }
}
