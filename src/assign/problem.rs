//! The problem type: vertices, capacities, weighted edges, validation, and the
//! compressed adjacency the solvers read.

use super::assignment::Assignment;
use super::{MAX_CAPACITY, MAX_EDGES, MAX_LEFT, MAX_RIGHT, MAX_WEIGHT, Objective};
use crate::error::{Error, Result};

/// A many-to-one assignment problem: `n_left` left vertices, right vertices
/// with capacities, and weighted edges; a missing edge is a forbidden pair.
///
/// Build it with [`Problem::new`] and [`Problem::add_edge`] (sparse, memory
/// O(V + E)), or from a full matrix with [`Problem::from_dense`] (no per-entry
/// calls, and a dense fast path in [`Problem::solve`]).
///
/// # Example
///
/// Two newcomers, one mentor with room for one person, one company offer:
///
/// ```
/// use mentormatch::assign::{Objective, Problem};
///
/// let mut p = Problem::new(2, vec![1, 1]); // right 0: mentor, right 1: offer
/// p.add_edge(0, 0, 7)?;
/// p.add_edge(1, 0, 5)?;
/// p.add_edge(1, 1, 1)?;
/// let a = p.solve(Objective::MaxCardinality)?;
/// assert_eq!((a.matched(), a.total_weight()), (2, 8));
/// assert_eq!(a.right_of(1), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) n_left: usize,
    pub(crate) capacities: Vec<u32>,
    pub(crate) storage: Storage,
}

#[derive(Debug, Clone)]
pub(crate) enum Storage {
    /// Edges in insertion order; sorted into a [`Graph`] when solving.
    Sparse(Vec<(u32, u32, i64)>),
    /// A complete row-major matrix of `n_left × n_right` weights.
    Dense(Dense),
}

/// A dense matrix, stored in 16 or 32 bits when every entry fits: a
/// quarter or half the memory traffic in the Jonker–Volgenant scans (a
/// 4096 × 4096 matrix of small scores then fits in a 32 MiB cache).
#[derive(Debug, Clone)]
pub(crate) enum Dense {
    Short(Vec<i16>),
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Dense {
    fn new(w: &[i64]) -> Dense {
        if w.iter().all(|&x| i16::try_from(x).is_ok()) {
            Dense::Short(w.iter().map(|&x| x as i16).collect())
        } else if w.iter().all(|&x| i32::try_from(x).is_ok()) {
            Dense::Narrow(w.iter().map(|&x| x as i32).collect())
        } else {
            Dense::Wide(w.to_vec())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Dense::Short(w) => w.len(),
            Dense::Narrow(w) => w.len(),
            Dense::Wide(w) => w.len(),
        }
    }

    pub fn get(&self, k: usize) -> i64 {
        match self {
            Dense::Short(w) => i64::from(w[k]),
            Dense::Narrow(w) => i64::from(w[k]),
            Dense::Wide(w) => w[k],
        }
    }

    pub fn to_wide(&self) -> Vec<i64> {
        match self {
            Dense::Short(w) => w.iter().map(|&x| i64::from(x)).collect(),
            Dense::Narrow(w) => w.iter().map(|&x| i64::from(x)).collect(),
            Dense::Wide(w) => w.clone(),
        }
    }
}

impl Problem {
    /// A problem with `n_left` left vertices and one right vertex per entry of
    /// `capacities` (how many left vertices it may take), and no edges yet.
    ///
    /// Bounds are checked by [`Problem::solve`] (and [`Problem::validate`]),
    /// so this constructor never fails; use [`Problem::try_new`] to check them
    /// at once.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    ///
    /// let p = Problem::new(3, vec![2, 1]);
    /// assert_eq!((p.n_left(), p.n_right(), p.capacity(0)), (3, 2, Some(2)));
    /// // No edges: nobody can be assigned, which is not an error.
    /// assert_eq!(p.solve(Objective::MaxCardinality)?.matched(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(n_left: usize, capacities: Vec<u32>) -> Self {
        Problem {
            n_left,
            capacities,
            storage: Storage::Sparse(Vec::new()),
        }
    }

    /// Like [`Problem::new`], but checks the vertex counts and capacities now.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCapacity`] for a capacity of 0, [`Error::TooLarge`] when
    /// `n_left` exceeds [`MAX_LEFT`] or there are more than [`MAX_RIGHT`] right
    /// vertices.
    ///
    /// ```
    /// use mentormatch::{Error, assign::Problem};
    ///
    /// assert!(matches!(Problem::try_new(2, vec![1, 0]), Err(Error::InvalidCapacity { right: 1, .. })));
    /// let p = Problem::try_new(2, vec![1, 3])?;
    /// assert_eq!(p.total_capacity(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_new(n_left: usize, capacities: Vec<u32>) -> Result<Self> {
        let p = Problem::new(n_left, capacities);
        p.check_shape()?;
        Ok(p)
    }

    /// A complete problem from a row-major `rows × cols` weight matrix, every
    /// right vertex with capacity 1 (the classic rectangular assignment).
    ///
    /// # Errors
    ///
    /// [`Error::DenseShape`] when `weights.len() != rows * cols`,
    /// [`Error::WeightOutOfRange`] for an entry outside ±[`MAX_WEIGHT`],
    /// [`Error::TooLarge`] beyond the vertex bounds.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    ///
    /// // Three buyers, three paintings: what each buyer would pay.
    /// let p = Problem::from_dense(3, 3, &[
    ///     7, 53, 183,
    ///     497, 383, 563,
    ///     79, 973, 287,
    /// ])?;
    /// let a = p.solve(Objective::MaxCardinality)?;
    /// assert_eq!(a.total_weight(), 183 + 497 + 973);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dense(rows: usize, cols: usize, weights: &[i64]) -> Result<Self> {
        Problem::from_dense_with_capacities(rows, vec![1; cols], weights)
    }

    /// A complete problem from a row-major weight matrix with one column per
    /// entry of `capacities`.
    ///
    /// # Errors
    ///
    /// As [`Problem::from_dense`], plus [`Error::InvalidCapacity`] for a
    /// capacity of 0.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    ///
    /// // Three people, one mentor who can take two of them.
    /// let p = Problem::from_dense_with_capacities(3, vec![2], &[4, 9, 1])?;
    /// let a = p.solve(Objective::MaxWeight)?;
    /// assert_eq!((a.matched(), a.total_weight()), (2, 13));
    /// assert_eq!(a.load(0), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dense_with_capacities(
        rows: usize,
        capacities: Vec<u32>,
        weights: &[i64],
    ) -> Result<Self> {
        let cols = capacities.len();
        let p = Problem {
            n_left: rows,
            capacities,
            storage: Storage::Sparse(Vec::new()),
        };
        p.check_shape()?;
        if rows.checked_mul(cols) != Some(weights.len()) {
            return Err(Error::DenseShape {
                rows,
                cols,
                len: weights.len(),
            });
        }
        if let Some(k) = weights
            .iter()
            .position(|w| w.unsigned_abs() > MAX_WEIGHT as u64)
        {
            return Err(Error::WeightOutOfRange {
                left: k / cols,
                right: k % cols,
                weight: weights[k],
                max: MAX_WEIGHT,
            });
        }
        Ok(Problem {
            storage: Storage::Dense(Dense::new(weights)),
            ..p
        })
    }

    /// Add the edge (`left`, `right`) with `weight`: the pair is allowed and
    /// assigning it earns `weight` (negative weights are allowed).
    ///
    /// # Errors
    ///
    /// [`Error::LeftOutOfRange`], [`Error::RightOutOfRange`],
    /// [`Error::WeightOutOfRange`] (outside ±[`MAX_WEIGHT`]) and
    /// [`Error::TooLarge`] (more than [`MAX_EDGES`] edges, or an index beyond [`MAX_LEFT`] or [`MAX_RIGHT`]). A duplicate pair
    /// is reported as [`Error::DuplicateEdge`] here when the problem is dense,
    /// and by [`Problem::solve`]/[`Problem::validate`] otherwise (finding it
    /// here would cost a hash set as large as the graph).
    ///
    /// ```
    /// use mentormatch::{Error, assign::Problem};
    ///
    /// let mut p = Problem::new(1, vec![1]);
    /// p.add_edge(0, 0, -3)?;
    /// assert!(matches!(p.add_edge(0, 1, 1), Err(Error::RightOutOfRange { right: 1, .. })));
    /// p.add_edge(0, 0, 4)?;
    /// assert!(matches!(p.validate(), Err(Error::DuplicateEdge { left: 0, right: 0 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_edge(&mut self, left: usize, right: usize, weight: i64) -> Result<()> {
        if left >= self.n_left {
            return Err(Error::LeftOutOfRange {
                left,
                n_left: self.n_left,
            });
        }
        if right >= self.capacities.len() {
            return Err(Error::RightOutOfRange {
                right,
                n_right: self.capacities.len(),
            });
        }
        if weight.unsigned_abs() > MAX_WEIGHT as u64 {
            return Err(Error::WeightOutOfRange {
                left,
                right,
                weight,
                max: MAX_WEIGHT,
            });
        }
        // Indices are stored as u32; a problem this large is rejected by
        // `solve` anyway, but an index must never be truncated meanwhile.
        if left > MAX_LEFT || right > MAX_RIGHT {
            return Err(Error::TooLarge {
                what: "vertex index",
                value: left.max(right) as u64,
                max: MAX_RIGHT as u64,
            });
        }
        match &mut self.storage {
            Storage::Dense(_) => Err(Error::DuplicateEdge { left, right }),
            Storage::Sparse(edges) => {
                if edges.len() >= MAX_EDGES {
                    return Err(Error::TooLarge {
                        what: "edges",
                        value: edges.len() as u64 + 1,
                        max: MAX_EDGES as u64,
                    });
                }
                edges.push((left as u32, right as u32, weight));
                Ok(())
            }
        }
    }

    /// Reserve room for `additional` more edges, so that building a large
    /// problem with [`Problem::add_edge`] does not reallocate (no effect on a
    /// dense problem).
    ///
    /// ```
    /// let mut p = mentormatch::assign::Problem::new(1000, vec![10; 100]);
    /// p.reserve(40_000);
    /// p.add_edge(999, 99, 5)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        if let Storage::Sparse(edges) = &mut self.storage {
            edges.reserve(additional);
        }
    }

    /// Number of left vertices.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::try_new(4, vec![1])?;
    /// assert_eq!(p.n_left(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn n_left(&self) -> usize {
        self.n_left
    }

    /// Number of right vertices.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::try_new(4, vec![1, 2])?;
    /// assert_eq!(p.n_right(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn n_right(&self) -> usize {
        self.capacities.len()
    }

    /// The capacity of right vertex `right`, or `None` if it does not exist.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::try_new(4, vec![1, 2])?;
    /// assert_eq!((p.capacity(1), p.capacity(2)), (Some(2), None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capacity(&self, right: usize) -> Option<u32> {
        self.capacities.get(right).copied()
    }

    /// The capacities of all right vertices.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::try_new(4, vec![1, 2])?;
    /// assert_eq!(p.capacities(), &[1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capacities(&self) -> &[u32] {
        &self.capacities
    }

    /// Sum of all capacities.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::try_new(4, vec![1, 2])?;
    /// assert_eq!(p.total_capacity(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_capacity(&self) -> u64 {
        self.capacities.iter().map(|&c| u64::from(c)).sum()
    }

    /// Number of edges (allowed pairs); `rows × cols` for a dense problem.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 3, &[0; 6])?;
    /// assert_eq!(p.edge_count(), 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn edge_count(&self) -> usize {
        match &self.storage {
            Storage::Sparse(e) => e.len(),
            Storage::Dense(w) => w.len(),
        }
    }

    /// True when the problem was built from a dense matrix.
    ///
    /// ```
    /// assert!(mentormatch::assign::Problem::from_dense(1, 1, &[5])?.is_dense());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_dense(&self) -> bool {
        matches!(self.storage, Storage::Dense(_))
    }

    /// All edges as `(left, right, weight)`, in insertion order (row-major for
    /// a dense problem).
    ///
    /// ```
    /// let mut p = mentormatch::assign::Problem::new(2, vec![1]);
    /// p.add_edge(1, 0, 4)?;
    /// assert_eq!(p.edges().collect::<Vec<_>>(), vec![(1, 0, 4)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn edges(&self) -> Box<dyn Iterator<Item = (usize, usize, i64)> + '_> {
        match &self.storage {
            Storage::Sparse(e) => Box::new(e.iter().map(|&(l, r, w)| (l as usize, r as usize, w))),
            Storage::Dense(w) => {
                let cols = self.capacities.len();
                Box::new((0..w.len()).map(move |k| (k / cols, k % cols, w.get(k))))
            }
        }
    }

    /// The weight of the edge (`left`, `right`), or `None` when the pair is
    /// forbidden. O(E) for a sparse problem (O(1) for a dense one); meant for
    /// checks and reports, not inner loops.
    ///
    /// ```
    /// let mut p = mentormatch::assign::Problem::new(2, vec![1]);
    /// p.add_edge(1, 0, 4)?;
    /// assert_eq!((p.weight(1, 0), p.weight(0, 0)), (Some(4), None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weight(&self, left: usize, right: usize) -> Option<i64> {
        if left >= self.n_left || right >= self.capacities.len() {
            return None;
        }
        match &self.storage {
            Storage::Sparse(e) => e
                .iter()
                .find(|&&(l, r, _)| l as usize == left && r as usize == right)
                .map(|e| e.2),
            Storage::Dense(w) => Some(w.get(left * self.capacities.len() + right)),
        }
    }

    /// Check every bound and look for duplicate edges, without solving.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCapacity`], [`Error::TooLarge`], [`Error::DuplicateEdge`]
    /// (the smallest duplicated pair).
    ///
    /// ```
    /// let mut p = mentormatch::assign::Problem::new(2, vec![1]);
    /// p.add_edge(1, 0, 4)?;
    /// p.validate()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        self.check_shape()?;
        if let Storage::Sparse(_) = self.storage {
            Graph::from_problem(self)?;
        }
        Ok(())
    }

    /// Solve for `objective`. The result depends only on the set of edges
    /// (not on the order they were added) and not on the number of threads;
    /// the tie-breaking among equally good assignments may differ between
    /// dense and sparse construction.
    ///
    /// See the [module documentation](crate::assign) for the algorithms,
    /// their complexity and the certificate carried by the result.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCapacity`], [`Error::TooLarge`] and
    /// [`Error::DuplicateEdge`]; a problem that passes these always solves.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    ///
    /// let mut p = Problem::new(2, vec![1]);
    /// p.add_edge(0, 0, -2)?;
    /// p.add_edge(1, 0, -5)?;
    /// // Leaving everybody out is best by weight alone…
    /// assert_eq!(p.solve(Objective::MaxWeight)?.matched(), 0);
    /// // …but assigning whoever can be assigned comes first by default.
    /// let a = p.solve(Objective::MaxCardinality)?;
    /// assert_eq!((a.right_of(0), a.total_weight()), (Some(0), -2));
    /// a.verify(&p)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn solve(&self, objective: Objective) -> Result<Assignment> {
        self.solve_until(objective, super::Stop::NEVER)
    }

    /// [`Problem::solve`] that returns [`Error::Cancelled`] soon after
    /// `stop` asks (polled between insertions; a dense
    /// Jonker–Volgenant solve runs to its end).
    pub(crate) fn solve_until(
        &self,
        objective: Objective,
        stop: super::Stop<'_>,
    ) -> Result<Assignment> {
        self.solve_at_least(objective, 0, None, stop)
    }

    /// [`Problem::solve_until`] whose `MaxCardinality` offset is at least
    /// `min_offset` (any offset above `2·M·K` gives the same assignment's
    /// kind of optimum; a caller that solves growing subgraphs of one graph
    /// passes that graph's bound, so that the duals of every solve refer
    /// to the same offset), starting from `warm` (an optimal solution of a
    /// subgraph, same vertices) when its offset is the one used. Other
    /// objectives ignore both.
    pub(crate) fn solve_at_least(
        &self,
        objective: Objective,
        min_offset: i64,
        warm: Option<&super::solve::Warm>,
        stop: super::Stop<'_>,
    ) -> Result<Assignment> {
        self.check_shape()?;
        super::solve::solve(self, objective, min_offset, warm, stop)
    }

    /// As [`Problem::solve_at_least`], on `g`: this problem's graph,
    /// built by the caller with [`Graph::from_rows`] (same vertices and
    /// capacities; the problem itself holds no edges).
    pub(crate) fn solve_graph_at_least(
        &self,
        g: &Graph,
        objective: Objective,
        min_offset: i64,
        warm: Option<&super::solve::Warm>,
        stop: super::Stop<'_>,
    ) -> Result<Assignment> {
        self.check_shape()?;
        debug_assert!(g.n_left == self.n_left && g.cap == self.capacities);
        debug_assert_eq!(self.edge_count(), 0);
        super::solve::solve_graph(self, g, objective, (min_offset, warm), stop)
    }

    pub(crate) fn check_shape(&self) -> Result<()> {
        if self.n_left > MAX_LEFT {
            return Err(Error::TooLarge {
                what: "left vertices",
                value: self.n_left as u64,
                max: MAX_LEFT as u64,
            });
        }
        if self.capacities.len() > MAX_RIGHT {
            return Err(Error::TooLarge {
                what: "right vertices",
                value: self.capacities.len() as u64,
                max: MAX_RIGHT as u64,
            });
        }
        if let Some(j) = self.capacities.iter().position(|&c| c == 0) {
            return Err(Error::InvalidCapacity {
                right: j,
                capacity: 0,
                max: u64::from(MAX_CAPACITY),
            });
        }
        Ok(())
    }
}

/// Compressed sparse rows: the edges of each left vertex sorted by right
/// index, with u32 indices. This is what the sparse solvers read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    pub n_left: usize,
    pub cap: Vec<u32>,
    /// `start[i]..start[i + 1]` indexes the edges of left vertex `i`.
    pub start: Vec<usize>,
    pub right: Vec<u32>,
    pub weight: Vec<i64>,
}

impl Graph {
    pub fn n_right(&self) -> usize {
        self.cap.len()
    }

    pub fn edges_of(&self, i: usize) -> (&[u32], &[i64]) {
        let (a, b) = (self.start[i], self.start[i + 1]);
        (&self.right[a..b], &self.weight[a..b])
    }

    /// Builds the adjacency: a counting sort by left vertex, then a sort of
    /// each (short) row by right vertex; O(E + V + Σ d log d).
    pub fn from_problem(p: &Problem) -> Result<Graph> {
        match &p.storage {
            Storage::Dense(w) => {
                let cols = p.capacities.len();
                Ok(Graph {
                    n_left: p.n_left,
                    cap: p.capacities.clone(),
                    start: (0..=p.n_left).map(|i| i * cols).collect(),
                    right: (0..p.n_left).flat_map(|_| 0..cols as u32).collect(),
                    weight: w.to_wide(),
                })
            }
            Storage::Sparse(edges) => {
                let mut start = vec![0usize; p.n_left + 1];
                for &(l, _, _) in edges {
                    start[l as usize + 1] += 1;
                }
                for i in 0..p.n_left {
                    start[i + 1] += start[i];
                }
                let mut fill = start.clone();
                let mut right = vec![0u32; edges.len()];
                let mut weight = vec![0i64; edges.len()];
                for &(l, r, w) in edges {
                    let k = &mut fill[l as usize];
                    right[*k] = r;
                    weight[*k] = w;
                    *k += 1;
                }
                drop(fill);
                let mut row = Vec::new();
                for i in 0..p.n_left {
                    let (a, b) = (start[i], start[i + 1]);
                    sort_row(i, &mut right[a..b], &mut weight[a..b], &mut row)?;
                }
                Ok(Graph {
                    n_left: p.n_left,
                    cap: p.capacities.clone(),
                    start,
                    right,
                    weight,
                })
            }
        }
    }

    /// The graph whose left vertex `i` has the edges `row(i)` (right
    /// vertex, weight), checked as [`Problem::add_edge`] and
    /// [`Graph::from_problem`] check them: a row in increasing right order
    /// (the usual case) is taken as it comes, another sorted. For callers
    /// that hold their edges by left vertex already: no edge list, no
    /// counting sort, and the rows are read in parallel, by chunks of
    /// left vertices. The first error by left vertex is returned.
    ///
    /// The graph is written into the arrays of `spare` (a graph no longer
    /// needed, or `Graph::default()`), whose pages are mapped already: a
    /// round of pricing builds a graph about as large as the last one,
    /// and at a million participants a fresh one is some 45,000 page
    /// faults.
    pub fn from_rows<R, F>(n_left: usize, cap: Vec<u32>, row: F, spare: Graph) -> Result<Graph>
    where
        R: IntoIterator<Item = (u32, i64)>,
        F: Fn(usize) -> R + Sync,
    {
        use rayon::prelude::*;
        let n_right = cap.len();
        let per = n_left.div_ceil(256).max(1024);
        let chunk = |lo: usize| -> Result<(Vec<usize>, Vec<u32>, Vec<i64>)> {
            let hi = (lo + per).min(n_left);
            let (mut ends, mut rs, mut ws) = (Vec::with_capacity(hi - lo), Vec::new(), Vec::new());
            let mut row_buf = Vec::new();
            for i in lo..hi {
                let a = rs.len();
                for (j, w) in row(i) {
                    if j as usize >= n_right {
                        return Err(Error::RightOutOfRange {
                            right: j as usize,
                            n_right,
                        });
                    }
                    if w.unsigned_abs() > MAX_WEIGHT as u64 {
                        return Err(Error::WeightOutOfRange {
                            left: i,
                            right: j as usize,
                            weight: w,
                            max: MAX_WEIGHT,
                        });
                    }
                    rs.push(j);
                    ws.push(w);
                }
                let b = rs.len();
                sort_row(i, &mut rs[a..b], &mut ws[a..b], &mut row_buf)?;
                ends.push(b);
            }
            Ok((ends, rs, ws))
        };
        let parts: Vec<Result<_>> = (0..n_left.div_ceil(per))
            .into_par_iter()
            .map(|c| chunk(c * per))
            .collect();
        let parts = parts.into_iter().collect::<Result<Vec<_>>>()?;
        let total: usize = parts.iter().map(|p| p.1.len()).sum();
        if total > MAX_EDGES {
            return Err(Error::TooLarge {
                what: "edges",
                value: total as u64,
                max: MAX_EDGES as u64,
            });
        }
        let mut g = Graph {
            n_left,
            cap,
            start: spare.start,
            right: spare.right,
            weight: spare.weight,
        };
        g.start.clear();
        g.start.reserve(n_left + 1);
        g.right.clear();
        g.right.reserve(total);
        g.weight.clear();
        g.weight.reserve(total);
        g.start.push(0);
        for (ends, rs, ws) in parts {
            let base = g.right.len();
            g.start.extend(ends.iter().map(|e| base + e));
            g.right.extend_from_slice(&rs);
            g.weight.extend_from_slice(&ws);
        }
        Ok(g)
    }

    /// The subgraph of the edges with weight at least `threshold`.
    pub fn at_least(&self, threshold: i64) -> Graph {
        let mut start = Vec::with_capacity(self.n_left + 1);
        let mut right = Vec::new();
        let mut weight = Vec::new();
        start.push(0);
        for i in 0..self.n_left {
            let (rs, ws) = self.edges_of(i);
            for (&r, &w) in rs.iter().zip(ws) {
                if w >= threshold {
                    right.push(r);
                    weight.push(w);
                }
            }
            start.push(right.len());
        }
        Graph {
            n_left: self.n_left,
            cap: self.cap.clone(),
            start,
            right,
            weight,
        }
    }

    /// An upper bound on the size of any matching: min(left vertices with an
    /// edge, Σ_j min(c_j, deg_j)).
    pub fn matching_bound(&self) -> u64 {
        let lefts = (0..self.n_left)
            .filter(|&i| self.start[i + 1] > self.start[i])
            .count() as u64;
        let mut deg = vec![0u64; self.n_right()];
        for &r in &self.right {
            deg[r as usize] += 1;
        }
        let rights: u64 = deg
            .iter()
            .zip(&self.cap)
            .map(|(&d, &c)| d.min(u64::from(c)))
            .sum();
        lefts.min(rights)
    }

    /// Largest |w| over the edges.
    pub fn max_abs_weight(&self) -> i64 {
        self.weight.iter().map(|w| w.abs()).max().unwrap_or(0)
    }
}

/// Left vertex `left`'s row (right vertices and weights) in increasing
/// right order, sorted if it is not already (with `buf`); an error if a
/// right vertex appears twice.
fn sort_row(
    left: usize,
    right: &mut [u32],
    weight: &mut [i64],
    buf: &mut Vec<(u32, i64)>,
) -> Result<()> {
    if right.windows(2).all(|x| x[0] < x[1]) {
        return Ok(());
    }
    sort_zipped(right, weight, buf, |e| e.0);
    match right.windows(2).position(|x| x[0] == x[1]) {
        Some(k) => Err(Error::DuplicateEdge {
            left,
            right: right[k] as usize,
        }),
        None => Ok(()),
    }
}

/// Sort two parallel slices together by `key` of their pairs, through
/// `buf` (reused from call to call).
pub(crate) fn sort_zipped<A: Copy, B: Copy, K: Ord>(
    a: &mut [A],
    b: &mut [B],
    buf: &mut Vec<(A, B)>,
    key: impl FnMut(&(A, B)) -> K,
) {
    buf.clear();
    buf.extend(a.iter().copied().zip(b.iter().copied()));
    buf.sort_unstable_by_key(key);
    for ((x, y), &(p, q)) in a.iter_mut().zip(b.iter_mut()).zip(buf.iter()) {
        (*x, *y) = (p, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same graph as through `add_edge` and `from_problem`, whichever
    /// order a row comes in, and the same errors.
    #[test]
    fn rows_build_the_problem_graph() {
        let rows: Vec<Vec<(u32, i64)>> =
            vec![vec![(0, 5), (2, -3)], vec![], vec![(2, 7), (1, 1), (0, 4)]];
        let mut p = Problem::new(4, vec![1, 2, 1]);
        for (i, r) in rows.iter().enumerate() {
            for &(j, w) in r {
                p.add_edge(i, j as usize, w).unwrap();
            }
        }
        let want = Graph::from_problem(&p).unwrap();
        let small = |spare| {
            Graph::from_rows(
                4,
                vec![1, 2, 1],
                |i| rows.get(i).cloned().unwrap_or_default(),
                spare,
            )
            .unwrap()
        };
        let got = small(Graph::default());
        assert_eq!(
            (got.n_left, &got.cap, &got.start, &got.right, &got.weight),
            (
                want.n_left,
                &want.cap,
                &want.start,
                &want.right,
                &want.weight
            )
        );
        assert_eq!(got.start, vec![0, 2, 2, 5, 5]);
        assert_eq!(got.right[2..], [0, 1, 2]);
        assert_eq!(got.weight[2..], [4, 1, 7]);

        let err = |rows: Vec<Vec<(u32, i64)>>| {
            Graph::from_rows(
                rows.len(),
                vec![1, 1],
                |i| rows[i].clone(),
                Graph::default(),
            )
            .unwrap_err()
        };
        assert!(matches!(
            err(vec![vec![(1, 1), (0, 2), (1, 3)]]),
            Error::DuplicateEdge { left: 0, right: 1 }
        ));
        assert!(matches!(
            err(vec![vec![], vec![(2, 1)]]),
            Error::RightOutOfRange {
                right: 2,
                n_right: 2
            }
        ));
        assert!(matches!(
            err(vec![vec![(0, MAX_WEIGHT + 1)]]),
            Error::WeightOutOfRange {
                left: 0,
                right: 0,
                ..
            }
        ));
        // The first error by left vertex, whichever chunk found it first.
        let mut many = vec![vec![(0, 1)]; 5000];
        many[4000] = vec![(1, 1), (1, 2)];
        many[3000] = vec![(5, 1)];
        assert!(matches!(err(many), Error::RightOutOfRange { right: 5, .. }));
        // Many rows, in parallel: the same graph as one by one.
        let big: Vec<Vec<(u32, i64)>> = (0..20_000u32)
            .map(|i| {
                (0..i % 7)
                    .map(|k| ((i * 7 + k * 13) % 50, i64::from(i + k)))
                    .collect()
            })
            .collect();
        let mut p = Problem::new(big.len(), vec![1; 50]);
        for (i, r) in big.iter().enumerate() {
            for &(j, w) in r {
                p.add_edge(i, j as usize, w).unwrap();
            }
        }
        let want = Graph::from_problem(&p).unwrap();
        // Written into a smaller graph's arrays, then the small graph into
        // the large one's: nothing of the spare is left over.
        let got = Graph::from_rows(big.len(), vec![1; 50], |i| big[i].clone(), got).unwrap();
        assert_eq!(
            (&got.start, &got.right, &got.weight),
            (&want.start, &want.right, &want.weight)
        );
        let again = small(got);
        assert_eq!(again.cap, vec![1, 2, 1]);
        assert_eq!(again.start, vec![0, 2, 2, 5, 5]);
        assert_eq!(again.right, [0, 2, 0, 1, 2]);
        assert_eq!(again.weight, [5, -3, 4, 1, 7]);
    }
}
