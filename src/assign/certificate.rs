//! Optimality certificates and their independent checker.
//!
//! # What is certified
//!
//! For weights `w`, an offset `B ≥ 0`, capacities `c`, and an assignment `x`
//! of total `Σ w`, the certificate holds duals `u` (left) and `v` (right)
//! with
//!
//! 1. `u_i ≥ 0`, `v_j ≥ 0`;
//! 2. `u_i + v_j ≥ w_ij + B` on every edge;
//! 3. `Σ_{(i,j) ∈ x} (w_ij + B) = Σ_i u_i + Σ_j c_j v_j`.
//!
//! By LP weak duality, 1–2 bound every assignment's `Σ (w + B)` by the dual
//! objective, and 3 says `x` attains it: `x` maximises `Σ (w + B)`.
//!
//! * `MaxWeight`: `B = 0`; this is plain maximum weight.
//! * `MaxCardinality`: `B ≥ 2·M·K + 1`, where `M` is the largest `|w|` and
//!   `K` bounds the size of any matching (left vertices with an edge, and
//!   `Σ_j min(c_j, deg_j)`). A matching of size `k` has `Σ (w + B)` within
//!   `k·B ± k·M`, so one more pair always outweighs any weight difference:
//!   maximising `Σ (w + B)` is maximising cardinality first, then weight.
//! * `Egalitarian` with threshold `t`: the above `MaxCardinality`
//!   certificate on the edges with `w ≥ t` (every assigned weight is `≥ t`),
//!   plus two König vertex covers (sets of left and right vertices touching
//!   every edge; a right vertex counts `c_j`): one of the whole graph whose
//!   size equals the number assigned (so no assignment is larger), and one
//!   of the edges with `w > t` whose size is smaller (so no maximum
//!   assignment uses only weights above `t`).
//!
//! All sums are computed in `i128`, so the checker cannot overflow.

use super::Objective;
use super::assignment::Assignment;
use super::problem::{Graph, Problem};
use super::ssp::NONE;

/// A set of vertices touching every edge of a graph: a König cover.
///
/// ```
/// use mentormatch::assign::{Objective, Problem};
///
/// let p = Problem::from_dense(2, 2, &[1, 9, 8, 1])?;
/// let a = p.solve(Objective::Egalitarian)?;
/// let cover = a.certificate().cover_all().expect("egalitarian");
/// assert_eq!(cover.left().len() + cover.right().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Cover {
    pub(crate) left: Vec<u32>,
    pub(crate) right: Vec<u32>,
}

impl Cover {
    /// Left vertices in the cover, increasing.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 2, &[1, 9])?;
    /// let a = p.solve(mentormatch::assign::Objective::Egalitarian)?;
    /// assert_eq!(a.certificate().cover_all().unwrap().left(), &[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn left(&self) -> &[u32] {
        &self.left
    }

    /// Right vertices in the cover, increasing; each counts its capacity.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 1, &[1, 9])?;
    /// let a = p.solve(mentormatch::assign::Objective::Egalitarian)?;
    /// assert_eq!(a.certificate().cover_all().unwrap().right(), &[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn right(&self) -> &[u32] {
        &self.right
    }

    fn size(&self, capacities: &[u32]) -> u64 {
        self.left.len() as u64
            + self
                .right
                .iter()
                .map(|&j| u64::from(capacities[j as usize]))
                .sum::<u64>()
    }
}

/// The proof that an [`Assignment`] is optimal: dual values, the weight
/// offset they refer to, and for `Egalitarian` a threshold and two covers
/// (definitions in the [module docs](self)).
///
/// ```
/// use mentormatch::assign::{Objective, Problem};
///
/// let mut p = Problem::new(2, vec![1]);
/// p.add_edge(0, 0, 4)?;
/// p.add_edge(1, 0, 6)?;
/// let a = p.solve(Objective::MaxCardinality)?;
/// let c = a.certificate();
/// let b = c.offset(); // MaxCardinality: duals refer to w + B
/// assert!(b > 0);
/// assert!(c.left_duals()[0] + c.right_duals()[0] >= 4 + b);
/// a.verify(&p)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Certificate {
    pub(crate) offset: i64,
    pub(crate) u: Vec<i64>,
    pub(crate) v: Vec<i64>,
    pub(crate) threshold: Option<i64>,
    pub(crate) cover_all: Option<Cover>,
    pub(crate) cover_above: Option<Cover>,
}

impl Certificate {
    /// The offset `B` added to every weight: 0 for `MaxWeight`, at least
    /// `2·M·K + 1` otherwise.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 1, &[5])?;
    /// assert_eq!(p.solve(mentormatch::assign::Objective::MaxWeight)?.certificate().offset(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// Left duals `u_i ≥ 0`, zero on unassigned left vertices.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 1, &[5, 3])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// assert_eq!(a.certificate().left_duals()[1], 0); // left 1 is unassigned
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn left_duals(&self) -> &[i64] {
        &self.u
    }

    /// Right duals `v_j ≥ 0`, zero unless right vertex `j` is full.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 1, &[5, 3])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// assert!(a.certificate().right_duals()[0] >= 3); // the full vertex prices out left 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn right_duals(&self) -> &[i64] {
        &self.v
    }

    /// `Egalitarian` only: the smallest assigned weight, which no maximum
    /// assignment can raise (`None` when nothing is assigned or for other
    /// objectives).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 9, 8, 1])?;
    /// let a = p.solve(mentormatch::assign::Objective::Egalitarian)?;
    /// assert_eq!(a.certificate().threshold(), Some(8));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn threshold(&self) -> Option<i64> {
        self.threshold
    }

    /// `Egalitarian` only: a cover of all edges as large as the assignment.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 1, &[5])?;
    /// assert!(p.solve(mentormatch::assign::Objective::MaxWeight)?.certificate().cover_all().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cover_all(&self) -> Option<&Cover> {
        self.cover_all.as_ref()
    }

    /// `Egalitarian` only: a cover of the edges heavier than the threshold,
    /// smaller than the assignment.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 9, 8, 1])?;
    /// let a = p.solve(mentormatch::assign::Objective::Egalitarian)?;
    /// // Only the edge of weight 9 is above 8: one vertex covers it.
    /// let c = a.certificate().cover_above().unwrap();
    /// assert_eq!(c.left().len() + c.right().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cover_above(&self) -> Option<&Cover> {
        self.cover_above.as_ref()
    }
}

/// Why a certificate or an assignment was rejected by
/// [`Assignment::verify`].
///
/// ```
/// use mentormatch::assign::{CertificateError, Objective, Problem};
///
/// let p = Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
/// let a = p.solve(Objective::MaxWeight)?;
/// let other = Problem::from_dense(2, 2, &[1, 2, 3, 40])?;
/// assert!(matches!(a.verify(&other), Err(CertificateError::DualityGap { .. }) | Err(CertificateError::EdgeViolated { .. }) | Err(CertificateError::TotalMismatch { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The assignment or certificate does not have the problem's shape.
    #[error("the assignment does not fit the problem: {what}")]
    Shape {
        /// What did not fit.
        what: &'static str,
    },
    /// The problem itself is invalid (duplicate edge, zero capacity, …).
    #[error("the problem is invalid: {0}")]
    Problem(crate::Error),
    /// An assigned pair is not an edge of the problem.
    #[error("assigned pair ({left}, {right}) is not an edge")]
    NotAnEdge {
        /// Left vertex.
        left: usize,
        /// Right vertex.
        right: usize,
    },
    /// A right vertex holds more than its capacity.
    #[error("right vertex {right} holds {load} left vertices, capacity {capacity}")]
    OverCapacity {
        /// Right vertex.
        right: usize,
        /// Its load.
        load: u64,
        /// Its capacity.
        capacity: u32,
    },
    /// The stated totals, loads or counts differ from the pairs.
    #[error("stated {what} differs from the assigned pairs")]
    TotalMismatch {
        /// Which figure.
        what: &'static str,
    },
    /// The offset is too small to make cardinality dominate weight.
    #[error("offset {offset} is below the required {required}")]
    OffsetTooSmall {
        /// The certificate's offset.
        offset: i64,
        /// The smallest valid offset.
        required: i128,
    },
    /// A dual value is negative.
    #[error("{side} dual {index} is negative ({value})")]
    NegativeDual {
        /// `left` or `right`.
        side: &'static str,
        /// Vertex.
        index: usize,
        /// Value.
        value: i64,
    },
    /// An edge violates `u_i + v_j ≥ w_ij + B`.
    #[error("edge ({left}, {right}) violates the dual constraint by {by}")]
    EdgeViolated {
        /// Left vertex.
        left: usize,
        /// Right vertex.
        right: usize,
        /// `w + B − u − v > 0`.
        by: i128,
    },
    /// Primal and dual objectives differ.
    #[error("duality gap: primal {primal}, dual {dual}")]
    DualityGap {
        /// `Σ (w + B)` over the assigned pairs.
        primal: i128,
        /// `Σ u + Σ c v`.
        dual: i128,
    },
    /// An `Egalitarian` threshold or cover is missing or wrong.
    #[error("egalitarian certificate rejected: {what}")]
    Egalitarian {
        /// What is wrong.
        what: &'static str,
    },
}

fn covers(g: &Graph, c: &Cover, min_weight_exclusive: Option<i64>) -> bool {
    let mut in_l = vec![false; g.n_left];
    let mut in_r = vec![false; g.n_right()];
    for &i in &c.left {
        match in_l.get_mut(i as usize) {
            Some(x) => *x = true,
            None => return false,
        }
    }
    for &j in &c.right {
        match in_r.get_mut(j as usize) {
            Some(x) => *x = true,
            None => return false,
        }
    }
    (0..g.n_left).all(|i| {
        let (rs, ws) = g.edges_of(i);
        in_l[i]
            || rs
                .iter()
                .zip(ws)
                .all(|(&j, &w)| in_r[j as usize] || min_weight_exclusive.is_some_and(|t| w <= t))
    })
}

pub(crate) fn verify(a: &Assignment, p: &Problem) -> Result<(), CertificateError> {
    let g = Graph::from_problem(p).map_err(CertificateError::Problem)?;
    p.check_shape().map_err(CertificateError::Problem)?;
    let c = &a.certificate;
    if a.right_of.len() != p.n_left() || a.weight_of.len() != p.n_left() {
        return Err(CertificateError::Shape {
            what: "left vertices",
        });
    }
    if c.u.len() != p.n_left() || c.v.len() != p.n_right() || a.loads.len() != p.n_right() {
        return Err(CertificateError::Shape {
            what: "dual vector lengths",
        });
    }
    // Feasibility, recomputed from the pairs.
    let mut loads = vec![0u64; p.n_right()];
    let mut total = 0i128;
    let mut matched = 0usize;
    let mut min_w: Option<i64> = None;
    for i in 0..p.n_left() {
        let j = a.right_of[i];
        if j == NONE {
            continue;
        }
        if j as usize >= p.n_right() {
            return Err(CertificateError::Shape {
                what: "right vertex index",
            });
        }
        let (rs, ws) = g.edges_of(i);
        let Ok(k) = rs.binary_search(&j) else {
            return Err(CertificateError::NotAnEdge {
                left: i,
                right: j as usize,
            });
        };
        if ws[k] != a.weight_of[i] {
            return Err(CertificateError::TotalMismatch {
                what: "pair weight",
            });
        }
        loads[j as usize] += 1;
        total += i128::from(ws[k]);
        matched += 1;
        min_w = Some(min_w.map_or(ws[k], |m| m.min(ws[k])));
    }
    for (j, (&l, &cap)) in loads.iter().zip(p.capacities()).enumerate() {
        if l > u64::from(cap) {
            return Err(CertificateError::OverCapacity {
                right: j,
                load: l,
                capacity: cap,
            });
        }
        if l != u64::from(a.loads[j]) {
            return Err(CertificateError::TotalMismatch { what: "load" });
        }
    }
    if total != i128::from(a.total) {
        return Err(CertificateError::TotalMismatch {
            what: "total weight",
        });
    }
    if matched != a.matched {
        return Err(CertificateError::TotalMismatch {
            what: "matched count",
        });
    }
    // The graph the duals refer to.
    let sub;
    let dual_graph = match a.objective {
        Objective::Egalitarian => {
            if c.threshold != min_w {
                return Err(CertificateError::Egalitarian {
                    what: "threshold is not the smallest assigned weight",
                });
            }
            let (Some(all), Some(above)) = (&c.cover_all, &c.cover_above) else {
                return Err(CertificateError::Egalitarian {
                    what: "covers missing",
                });
            };
            if !covers(&g, all, None) || all.size(p.capacities()) != matched as u64 {
                return Err(CertificateError::Egalitarian {
                    what: "cover of all edges is not a cover of the assignment's size",
                });
            }
            if let Some(t) = c.threshold {
                if !covers(&g, above, Some(t)) || above.size(p.capacities()) >= matched as u64 {
                    return Err(CertificateError::Egalitarian {
                        what: "cover of the edges above the threshold is not smaller than the assignment",
                    });
                }
                sub = g.at_least(t);
                &sub
            } else {
                &g
            }
        }
        _ => &g,
    };
    let b = i128::from(c.offset);
    let required = if a.objective == Objective::MaxWeight {
        0
    } else {
        2 * i128::from(dual_graph.max_abs_weight()) * i128::from(dual_graph.matching_bound()) + 1
    };
    if b < required || (a.objective == Objective::MaxWeight && b != 0) {
        return Err(CertificateError::OffsetTooSmall {
            offset: c.offset,
            required,
        });
    }
    for (index, &value) in c.u.iter().enumerate() {
        if value < 0 {
            return Err(CertificateError::NegativeDual {
                side: "left",
                index,
                value,
            });
        }
    }
    for (index, &value) in c.v.iter().enumerate() {
        if value < 0 {
            return Err(CertificateError::NegativeDual {
                side: "right",
                index,
                value,
            });
        }
    }
    for i in 0..p.n_left() {
        let (rs, ws) = dual_graph.edges_of(i);
        for (&j, &w) in rs.iter().zip(ws) {
            let by = i128::from(w) + b - i128::from(c.u[i]) - i128::from(c.v[j as usize]);
            if by > 0 {
                return Err(CertificateError::EdgeViolated {
                    left: i,
                    right: j as usize,
                    by,
                });
            }
        }
    }
    let primal = total + b * matched as i128;
    let dual: i128 = c.u.iter().map(|&x| i128::from(x)).sum::<i128>()
        + c.v
            .iter()
            .zip(p.capacities())
            .map(|(&x, &cap)| i128::from(x) * i128::from(cap))
            .sum::<i128>();
    if primal != dual {
        return Err(CertificateError::DualityGap { primal, dual });
    }
    Ok(())
}
