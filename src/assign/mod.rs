//! The matching core: exact many-to-one assignment on a bipartite graph with
//! capacities, with a certificate of optimality.
//!
//! Left vertices (participants) are assigned to at most one right vertex
//! (a mentor, an offer); right vertex `j` takes at most `c_j ≥ 1` of them.
//! Only pairs added as edges are allowed: a missing edge is a forbidden
//! pair, no "infinite weight" needed. Weights are integers, negative ones
//! included. Any shape works (more left vertices than right or fewer), and
//! an empty problem is fine. Bad input is a typed [`Error`](crate::Error),
//! never a panic.
//!
//! # A story
//!
//! Three newcomers and two mentors; Amira (0) speaks French and Arabic,
//! Bilal (1) only Arabic, Chen (2) French. Mentor Dana (0) can take two
//! people, Emil (1) one; Emil speaks no Arabic, so Bilal–Emil is not an edge.
//!
//! ```
//! use mentormatch::assign::{Objective, Problem};
//!
//! let mut p = Problem::new(3, vec![2, 1]);
//! p.add_edge(0, 0, 80)?; // Amira–Dana: shared field, close by
//! p.add_edge(0, 1, 95)?; // Amira–Emil: best fit for Amira
//! p.add_edge(1, 0, 60)?; // Bilal–Dana
//! p.add_edge(2, 1, 70)?; // Chen–Emil
//! p.add_edge(2, 0, 20)?; // Chen–Dana: far away
//! let a = p.solve(Objective::MaxCardinality)?;
//! assert_eq!(a.matched(), 3);
//! assert_eq!(a.total_weight(), 80 + 60 + 70);
//! assert_eq!(a.right_of(0), Some(0)); // Amira gives Emil up for Chen
//! assert_eq!(a.load(0), 2);
//! a.verify(&p)?; // the duals prove that nothing better exists
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Objectives
//!
//! * [`Objective::MaxWeight`]: maximum total weight; a left vertex may stay
//!   unassigned (negative pairs are avoided).
//! * [`Objective::MaxCardinality`] (default): as many assigned as possible,
//!   then maximum total weight. On a complete square matrix this is the
//!   classic linear sum assignment (maximisation).
//! * [`Objective::Egalitarian`]: as many assigned as possible, then the
//!   largest possible smallest weight, then maximum total weight.
//!
//! Ties are broken deterministically: the result depends only on the set
//! of edges (not on the order of [`Problem::add_edge`] calls) and never on
//! the number of threads. Among several optimal assignments, the one
//! returned may differ between a matrix given to [`Problem::from_dense`]
//! and the same pairs added one by one, because different algorithms run
//! (the optimal value is the same).
//!
//! # Which algorithm runs when
//!
//! | input | objective | algorithm |
//! | --- | --- | --- |
//! | any (sparse, or dense with capacities) | `MaxWeight` | successive shortest paths, offset 0 |
//! | any (sparse, or dense with capacities) | `MaxCardinality` | per component: right side scarce, successive shortest paths inserted from the right with offset `B`; otherwise the `MaxWeight` solve, and if it is not of maximum cardinality, the offset `B` solve |
//! | [`Problem::from_dense`], unit capacities | `MaxCardinality` | Jonker–Volgenant, dense scans |
//! | any | `Egalitarian` | binary search on the threshold with cardinality matchings, then `MaxCardinality` on the edges above it |
//!
//! **Successive shortest augmenting paths** (Ahuja, Magnanti & Orlin,
//! *Network Flows*, 1993, ch. 9), in the one-vertex-at-a-time form of
//! Jonker & Volgenant (1987): left vertices are inserted in index order;
//! each insertion is a Dijkstra search on reduced costs (node potentials
//! keep them non-negative) that stops at the first right vertex with spare
//! capacity, so capacities are native (no copies of right vertices). Each
//! left vertex has a private "stay unassigned" option of weight 0, which
//! makes `MaxWeight` exact with single-source insertion; with every weight
//! raised by `B = 2·M·K + 1` (`M` the largest `|w|`, `K` a bound on the
//! matching size) the same routine maximises cardinality first, then weight.
//! `MaxCardinality` first tries the cheaper `MaxWeight` solve: when that
//! assignment already has maximum cardinality (checked by one alternating
//! breadth-first search, O(V + E)) it is optimal for `MaxCardinality` too,
//! and a König vertex cover lifts its certificate exactly.
//! Time O(`n_left` · (E + V) log V) worst case, typically near-linear on
//! sparse candidate graphs; memory O(V + E) (compressed adjacency with
//! `u32` indices, no dense matrix). Independent connected components are
//! solved in parallel with rayon.
//! A component whose right side has fewer places than it has left
//! vertices is solved by the mirror routine, which inserts right vertices
//! one unit of capacity at a time (Jonker & Volgenant's rule: insert the
//! scarce side), so free left vertices stay plentiful and every search
//! short; the duals are the same kind. On the 100 000-participant national
//! benchmark this took the mentor side from 20 s to 4.6 s and the offer
//! side from 1.8 s to 0.27 s.
//!
//! **Jonker–Volgenant** (R. Jonker and A. Volgenant, *Computing* 38, 1987):
//! column reduction, reduction transfer and augmenting row reduction, then
//! shortest augmenting paths with O(m) sequential scans of the flat
//! row-major matrix, stored in 16, 32 or 64 bits, whichever holds every
//! entry; rectangular matrices natively (more rows than columns by
//! transposition). Time O(n² m) worst case for `n ≤ m`, memory O(n + m)
//! beyond the matrix.
//!
//! **Egalitarian**: O(log E) maximum-cardinality matchings (breadth-first
//! augmenting paths with capacities, O(V·E) worst case each) plus one
//! `MaxCardinality` solve.
//!
//! # Certificate
//!
//! Every [`Assignment`] carries a [`Certificate`]: LP duals `u`, `v` with
//! `u, v ≥ 0`, `u_i + v_j ≥ w_ij + B` on every edge and
//! `Σ_assigned (w + B) = Σ u + Σ c_j v_j`, where `B` is
//! [`Certificate::offset`] (0 for `MaxWeight`); for `Egalitarian` also the
//! threshold and two König covers. [`Assignment::verify`] checks it in
//! `i128` without trusting the solver; [`Assignment::reduced_cost`] prices
//! a pair outside the problem (positive: it could improve the optimum).
//! See [`certificate`] for the exact definition.
//!
//! # Bounds
//!
//! Weights lie in `±`[`MAX_WEIGHT`] (2³²), at most [`MAX_LEFT`] (2²⁷) left
//! and [`MAX_RIGHT`] (2³¹) right vertices, [`MAX_EDGES`] edges, capacities
//! `1..=`[`MAX_CAPACITY`]. Then every total is below 2⁵⁹ and `B` at most
//! 2⁶⁰ + 1, and every potential and path length the solvers compute stays
//! below 2⁶², inside `i64`. Input outside the bounds is an
//! [`Error::WeightOutOfRange`](crate::Error::WeightOutOfRange),
//! [`Error::TooLarge`](crate::Error::TooLarge) or
//! [`Error::InvalidCapacity`](crate::Error::InvalidCapacity).

// The solvers follow the papers' notation (i, j, u, v, w, d, …) and index
// several parallel arrays by vertex; renaming or zipping them would hide the
// correspondence with the literature. The docs use the same math notation
// (`Σ_j c_j v_j`), which `doc_markdown` would want in backticks.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    clippy::doc_markdown
)]

mod assignment;
mod stop;
pub(crate) use problem::Graph;
pub(crate) use solve::Warm;
pub(crate) use ssp::Solution;
pub(crate) use stop::Stop;
mod cardinality;
pub mod certificate;
mod components;
mod held;
mod jv;
mod mirror;
mod problem;
mod solve;
mod ssp;

pub use assignment::Assignment;
pub use certificate::{Certificate, CertificateError, Cover};
pub use problem::Problem;

/// Largest allowed magnitude of an edge weight: 2³².
///
/// ```
/// use mentormatch::{Error, assign::{MAX_WEIGHT, Problem}};
///
/// let mut p = Problem::new(1, vec![1]);
/// p.add_edge(0, 0, -MAX_WEIGHT)?;
/// let mut q = Problem::new(1, vec![1]);
/// assert!(matches!(q.add_edge(0, 0, MAX_WEIGHT + 1), Err(Error::WeightOutOfRange { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_WEIGHT: i64 = 1 << 32;

/// Largest number of left vertices: 2²⁷ (134 million).
///
/// ```
/// use mentormatch::{Error, assign::{MAX_LEFT, Problem}};
/// assert!(matches!(Problem::try_new(MAX_LEFT + 1, vec![1]), Err(Error::TooLarge { .. })));
/// let p = Problem::try_new(MAX_LEFT, vec![1])?; // the bound itself is fine
/// assert_eq!(p.n_left(), MAX_LEFT);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_LEFT: usize = 1 << 27;

/// Largest number of right vertices: 2³¹.
///
/// ```
/// use mentormatch::{Error, assign::{MAX_RIGHT, Problem}};
/// let mut p = Problem::try_new(1, vec![1; 3])?;
/// assert!(matches!(p.add_edge(0, MAX_RIGHT + 1, 0), Err(Error::RightOutOfRange { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_RIGHT: usize = 1 << 31;

/// Largest number of edges: 2³².
///
/// ```
/// use mentormatch::assign::{MAX_EDGES, Problem};
/// assert_eq!(MAX_EDGES, 1 << 32);
/// let mut p = Problem::new(1, vec![1]);
/// p.add_edge(0, 0, 1)?; // one of at most MAX_EDGES
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_EDGES: usize = 1 << 32;

/// Largest capacity of a right vertex (any `u32` but 0).
///
/// ```
/// use mentormatch::assign::{MAX_CAPACITY, Objective, Problem};
/// let p = Problem::try_new(1, vec![MAX_CAPACITY])?;
/// assert_eq!(p.solve(Objective::MaxWeight)?.matched(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_CAPACITY: u32 = u32::MAX;

/// What the solver optimises.
///
/// ```
/// use mentormatch::assign::{Objective, Problem};
///
/// // One mentor, two candidates: a strong one (9) and a weak one (2) who
/// // is the only choice for nobody else. All objectives agree here.
/// let p = Problem::from_dense(2, 1, &[9, 2])?;
/// for o in [Objective::MaxWeight, Objective::MaxCardinality, Objective::Egalitarian] {
///     assert_eq!(p.solve(o)?.right_of(0), Some(0));
/// }
/// assert_eq!(serde_json::to_string(&Objective::MaxCardinality)?, "\"max_cardinality\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Objective {
    /// Maximum total weight; a left vertex may stay unassigned.
    MaxWeight,
    /// As many assigned as possible, then maximum total weight.
    #[default]
    MaxCardinality,
    /// Maximum cardinality, then the largest smallest weight, then total weight.
    Egalitarian,
}
