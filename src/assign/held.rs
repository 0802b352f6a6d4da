//! Who holds whom: the assignment the path solvers keep, with O(1) moves.

use super::ssp::NONE;

/// The assignment of left vertices to capacitated right vertices, with
/// each right vertex's held left vertices packed in its own slot range
/// (`min(c_j, deg j)` long), so both solvers add, remove and list them in
/// O(1) per vertex.
pub(crate) struct Held {
    /// Right vertex of each left vertex, or [`NONE`].
    pub right_of: Vec<u32>,
    /// Number of left vertices each right vertex holds.
    pub load: Vec<u32>,
    start: Vec<usize>,
    slots: Vec<u32>,
    /// Position of each held left vertex in its right vertex's range.
    pos: Vec<u32>,
}

impl Held {
    /// Nothing held; right vertex `j` has room for `places[j]`.
    pub fn new(n_left: usize, places: impl ExactSizeIterator<Item = usize>) -> Self {
        let mut start = Vec::with_capacity(places.len() + 1);
        let mut total = 0usize;
        for p in places {
            start.push(total);
            total += p;
        }
        start.push(total);
        Held {
            right_of: vec![NONE; n_left],
            load: vec![0; start.len() - 1],
            start,
            slots: vec![NONE; total],
            pos: vec![0; n_left],
        }
    }

    /// The `k`-th left vertex `j` holds (`k < load[j]`).
    pub fn slot(&self, j: usize, k: usize) -> u32 {
        self.slots[self.start[j] + k]
    }

    /// `j` takes `i` (which must be free, and `j` must have a slot left).
    pub fn add(&mut self, i: u32, j: u32) {
        let ju = j as usize;
        let l = self.load[ju];
        self.slots[self.start[ju] + l as usize] = i;
        self.pos[i as usize] = l;
        self.load[ju] = l + 1;
        self.right_of[i as usize] = j;
    }

    /// `j` gives up `i` (which it must hold); the last held one takes its slot.
    pub fn remove(&mut self, i: u32, j: u32) {
        let ju = j as usize;
        let p = self.pos[i as usize] as usize;
        let last = self.slots[self.start[ju] + self.load[ju] as usize - 1];
        self.slots[self.start[ju] + p] = last;
        self.pos[last as usize] = p as u32;
        self.load[ju] -= 1;
        self.right_of[i as usize] = NONE;
    }
}
