//! The matching core: exact many-to-one assignment on a sparse bipartite graph.
//!
//! (Skeleton: the solver is being written; see issue 3.)

use crate::error::{Error, Result};

/// Largest allowed magnitude of an edge weight.
pub const MAX_WEIGHT: i64 = 1 << 32;

/// What the solver optimises.
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

/// A many-to-one assignment problem.
#[derive(Debug, Clone)]
pub struct Problem {
    n_left: usize,
    capacities: Vec<u32>,
    edges: Vec<(u32, u32, i64)>,
}

impl Problem {
    /// A problem with `n_left` left vertices and one right vertex per capacity.
    pub fn new(n_left: usize, capacities: Vec<u32>) -> Self {
        Problem {
            n_left,
            capacities,
            edges: Vec::new(),
        }
    }

    /// Add an edge.
    ///
    /// # Errors
    /// Out-of-range vertices, weights outside ±[`MAX_WEIGHT`], duplicate edges.
    pub fn add_edge(&mut self, left: usize, right: usize, weight: i64) -> Result<()> {
        if left >= self.n_left {
            return Err(Error::LeftOutOfRange {
                left,
                n_left: self.n_left,
            });
        }
        self.edges.push((left as u32, right as u32, weight));
        Ok(())
    }

    /// Solve.
    ///
    /// # Errors
    /// Invalid capacities.
    pub fn solve(&self, objective: Objective) -> Result<Assignment> {
        // Temporary reference solve (Kuhn–Munkres on slot-expanded columns)
        // until the dedicated solver lands.
        use pathfinding::prelude::{Matrix, kuhn_munkres};
        let slots: Vec<usize> = self
            .capacities
            .iter()
            .enumerate()
            .flat_map(|(r, &c)| std::iter::repeat_n(r, c.min(self.n_left as u32) as usize))
            .collect();
        let n = self.n_left;
        let mut right_of = vec![None; n];
        if n == 0 || slots.is_empty() {
            return Ok(Assignment { right_of, total: 0 });
        }
        let cols = slots.len().max(n);
        let big: i64 = 1 + self.edges.iter().map(|e| e.2.abs()).sum::<i64>();
        let mut w: std::collections::HashMap<(usize, usize), i64> =
            std::collections::HashMap::new();
        for &(l, r, x) in &self.edges {
            w.insert((l as usize, r as usize), x);
        }
        let mut m = Matrix::new(n, cols, 0i64);
        for i in 0..n {
            for (j, &r) in slots.iter().enumerate() {
                if let Some(&x) = w.get(&(i, r)) {
                    m[(i, j)] = match objective {
                        Objective::MaxWeight => x.max(0),
                        _ => x + big,
                    };
                }
            }
        }
        let (_, a) = kuhn_munkres(&m);
        let mut total = 0;
        for (i, &j) in a.iter().enumerate() {
            if j < slots.len() {
                if let Some(&x) = w.get(&(i, slots[j])) {
                    if objective != Objective::MaxWeight || x > 0 {
                        right_of[i] = Some(slots[j] as u32);
                        total += x;
                    }
                }
            }
        }
        Ok(Assignment { right_of, total })
    }
}

/// A solution.
#[derive(Debug, Clone)]
pub struct Assignment {
    right_of: Vec<Option<u32>>,
    total: i64,
}

impl Assignment {
    /// Sum of the weights of the assigned edges.
    pub fn total_weight(&self) -> i64 {
        self.total
    }
    /// Number of left vertices assigned.
    pub fn matched(&self) -> usize {
        self.right_of.iter().flatten().count()
    }
    /// The right vertex assigned to `left`, if any.
    pub fn right_of(&self, left: usize) -> Option<usize> {
        self.right_of
            .get(left)
            .copied()
            .flatten()
            .map(|r| r as usize)
    }
}
