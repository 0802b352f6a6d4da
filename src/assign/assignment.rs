//! The result type: who is assigned where, loads, totals, and the
//! optimality certificate.

use super::Objective;
use super::certificate::{Certificate, CertificateError};
use super::problem::Problem;
use super::ssp::NONE;

/// An optimal assignment, with the dual values that prove it optimal.
///
/// ```
/// use mentormatch::assign::{Objective, Problem};
///
/// let mut p = Problem::new(3, vec![2]);
/// p.add_edge(0, 0, 5)?;
/// p.add_edge(2, 0, 3)?;
/// let a = p.solve(Objective::MaxCardinality)?;
/// assert_eq!(a.pairs().collect::<Vec<_>>(), vec![(0, 0, 5), (2, 0, 3)]);
/// assert_eq!(a.unassigned().collect::<Vec<_>>(), vec![1]);
/// assert_eq!(a.load(0), 2);
/// a.verify(&p)?;
/// let json = serde_json::to_string(&a)?;
/// let back: mentormatch::assign::Assignment = serde_json::from_str(&json)?;
/// back.verify(&p)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// It serialises with serde (pairs as `right_of`, `u32::MAX` meaning
/// unassigned), so a stored result can be re-checked later with
/// [`Assignment::verify`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    pub(crate) objective: Objective,
    pub(crate) right_of: Vec<u32>,
    pub(crate) weight_of: Vec<i64>,
    pub(crate) loads: Vec<u32>,
    pub(crate) total: i64,
    pub(crate) matched: usize,
    pub(crate) certificate: Certificate,
}

impl Assignment {
    pub(crate) fn new(
        p: &Problem,
        objective: Objective,
        right_of: Vec<u32>,
        weight_of: Vec<i64>,
        certificate: Certificate,
    ) -> Assignment {
        let mut loads = vec![0u32; p.n_right()];
        let mut total = 0i64;
        let mut matched = 0usize;
        for (&j, &w) in right_of.iter().zip(&weight_of) {
            if j != NONE {
                loads[j as usize] += 1;
                total += w;
                matched += 1;
            }
        }
        Assignment {
            objective,
            right_of,
            weight_of,
            loads,
            total,
            matched,
            certificate,
        }
    }

    /// The objective this assignment is optimal for.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    /// let a = Problem::new(0, vec![]).solve(Objective::Egalitarian)?;
    /// assert_eq!(a.objective(), Objective::Egalitarian);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// Sum of the weights of the assigned pairs.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
    /// assert_eq!(p.solve(Default::default())?.total_weight(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_weight(&self) -> i64 {
        self.total
    }

    /// Number of left vertices assigned.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(3, 2, &[1, 2, 3, 4, 5, 6])?;
    /// assert_eq!(p.solve(Default::default())?.matched(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn matched(&self) -> usize {
        self.matched
    }

    /// The right vertex assigned to `left`, if any (`None` too when `left` is
    /// out of range).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
    /// let a = p.solve(Default::default())?;
    /// assert_eq!((a.right_of(0), a.right_of(1), a.right_of(2)), (Some(0), Some(1), None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn right_of(&self, left: usize) -> Option<usize> {
        match self.right_of.get(left) {
            Some(&j) if j != NONE => Some(j as usize),
            _ => None,
        }
    }

    /// The weight of the pair assigned to `left`, if any.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
    /// assert_eq!(p.solve(Default::default())?.weight_of(1), Some(4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weight_of(&self, left: usize) -> Option<i64> {
        self.right_of(left).and(self.weight_of.get(left).copied())
    }

    /// The assigned pairs `(left, right, weight)`, by increasing left vertex.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
    /// let pairs: Vec<_> = p.solve(Default::default())?.pairs().collect();
    /// assert_eq!(pairs, vec![(0, 0, 1), (1, 1, 4)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize, i64)> + '_ {
        self.right_of
            .iter()
            .zip(&self.weight_of)
            .enumerate()
            .filter(|(_, (j, _))| **j != NONE)
            .map(|(i, (&j, &w))| (i, j as usize, w))
    }

    /// The left vertices left unassigned, increasing.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(3, 1, &[1, 2, 3])?;
    /// let left_out: Vec<_> = p.solve(Default::default())?.unassigned().collect();
    /// assert_eq!(left_out, vec![0, 1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unassigned(&self) -> impl Iterator<Item = usize> + '_ {
        self.right_of
            .iter()
            .enumerate()
            .filter(|(_, j)| **j == NONE)
            .map(|(i, _)| i)
    }

    /// How many left vertices right vertex `right` holds (0 when out of range).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense_with_capacities(3, vec![2, 5], &[9, 1, 9, 1, 9, 1])?;
    /// let a = p.solve(Default::default())?;
    /// assert_eq!((a.load(0), a.load(1)), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&self, right: usize) -> u32 {
        self.loads.get(right).copied().unwrap_or(0)
    }

    /// The loads of all right vertices.
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense_with_capacities(3, vec![2, 5], &[9, 1, 9, 1, 9, 1])?;
    /// assert_eq!(p.solve(Default::default())?.loads(), &[2, 1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loads(&self) -> &[u32] {
        &self.loads
    }

    /// The optimality certificate: dual values (and, for `Egalitarian`, the
    /// threshold and two vertex covers). See [`Certificate`].
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(2, 2, &[1, 2, 3, 4])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// let c = a.certificate();
    /// assert_eq!(c.offset(), 0);
    /// // u_i + v_j ≥ w_ij on every pair, and Σu + Σ c_j v_j = total weight.
    /// let dual: i64 = c.left_duals().iter().sum::<i64>() + c.right_duals().iter().sum::<i64>();
    /// assert_eq!(dual, a.total_weight());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Dual value of left vertex `left` (see [`Certificate::left_duals`]).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 1, &[7])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// assert_eq!(a.left_dual(0)? + a.right_dual(0)?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CertificateError::Shape`] when `left` is out of range.
    pub fn left_dual(&self, left: usize) -> Result<i64, CertificateError> {
        self.certificate
            .left_duals()
            .get(left)
            .copied()
            .ok_or(CertificateError::Shape {
                what: "left vertex",
            })
    }

    /// Dual value of right vertex `right` (see [`Certificate::right_duals`]).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 2, &[7, 9])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// assert_eq!(a.right_dual(0)?, 0); // free right vertices have dual 0
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CertificateError::Shape`] when `right` is out of range.
    pub fn right_dual(&self, right: usize) -> Result<i64, CertificateError> {
        self.certificate
            .right_duals()
            .get(right)
            .copied()
            .ok_or(CertificateError::Shape {
                what: "right vertex",
            })
    }

    /// Reduced cost of a pair: `w + offset − u_left − v_right`. It is `≤ 0`
    /// for every edge of the solved problem; a pair outside it (for example
    /// one pruned from a candidate list) with a positive reduced cost could
    /// improve the optimum, and one with reduced cost `≤ 0` cannot (for
    /// `Egalitarian`, when `w ≥` the threshold).
    ///
    /// ```
    /// let p = mentormatch::assign::Problem::from_dense(1, 2, &[7, 3])?;
    /// let a = p.solve(mentormatch::assign::Objective::MaxWeight)?;
    /// assert!(a.reduced_cost(0, 1, 3)? <= 0);
    /// assert!(a.reduced_cost(0, 1, 8)? > 0); // a better pair would enter
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CertificateError::Shape`] when a vertex is out of range.
    pub fn reduced_cost(
        &self,
        left: usize,
        right: usize,
        weight: i64,
    ) -> Result<i128, CertificateError> {
        Ok(i128::from(weight) + i128::from(self.certificate.offset())
            - i128::from(self.left_dual(left)?)
            - i128::from(self.right_dual(right)?))
    }

    /// Check that this assignment is feasible for `problem` and that its
    /// certificate proves it optimal for its objective, independently of
    /// the solver (exact i128 arithmetic, O(V + E)).
    ///
    /// # Errors
    ///
    /// The first [`CertificateError`] found.
    ///
    /// ```
    /// use mentormatch::assign::{Objective, Problem};
    ///
    /// let p = Problem::from_dense(2, 3, &[3, 1, 4, 1, 5, 9])?;
    /// for objective in [Objective::MaxWeight, Objective::MaxCardinality, Objective::Egalitarian] {
    ///     p.solve(objective)?.verify(&p)?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, problem: &Problem) -> Result<(), CertificateError> {
        super::certificate::verify(self, problem)
    }
}
