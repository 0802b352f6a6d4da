//! A tiny deterministic PRNG: `xoshiro256**` seeded through `SplitMix64`.
//!
//! Kept inside the crate (no `rand` dependency) so that a seed means the same
//! stream on every platform and in every future version of this crate. Only
//! integer arithmetic and IEEE basic operations are used, never `libm`.

/// One step of `SplitMix64` (Steele, Lea and Flood 2014), used to expand seeds.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64 bits: names a stream by a short label.
fn fnv1a(label: &str) -> u64 {
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `xoshiro256**` (Blackman and Vigna 2018).
///
/// Generators hand each record its own stream ([`Rng::stream`]), so record
/// `p-017` stays the same when more participants or mentors are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four `SplitMix64` outputs from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    /// An independent stream for record `index` of kind `label` under `seed`.
    pub(crate) fn stream(seed: u64, label: &str, index: u64) -> Self {
        let mut sm = seed ^ fnv1a(label);
        let a = splitmix64(&mut sm);
        let mut sm2 = a ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::new(splitmix64(&mut sm2))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` without modulo bias (Lemire's method); 0 when `n == 0`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// True with probability `permille / 1000`.
    pub(crate) fn chance(&mut self, permille: u32) -> bool {
        self.below(1000) < u64::from(permille)
    }

    /// Uniform in `[0, 1)` with 53 random bits (exact on every platform).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An index drawn with probability proportional to its integer weight.
    ///
    /// Panics when every weight is zero (a bug in a generator's tables).
    pub(crate) fn weighted_index(
        &mut self,
        weights: impl IntoIterator<Item = u32> + Clone,
    ) -> usize {
        let total: u64 = weights.clone().into_iter().map(u64::from).sum();
        assert!(total > 0, "weighted choice over zero total weight");
        let mut x = self.below(total);
        for (i, w) in weights.into_iter().enumerate() {
            let w = u64::from(w);
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("x < total")
    }

    /// A value from a table of `(value, weight)`.
    pub(crate) fn pick<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        table[self.weighted_index(table.iter().map(|&(_, w)| w))].0
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs for seed 1234567, from Vigna's reference splitmix64.c.
        let mut s = 1_234_567;
        assert_eq!(splitmix64(&mut s), 6_457_827_717_110_365_317);
        assert_eq!(splitmix64(&mut s), 3_203_168_211_198_807_973);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(7, "p", 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::stream(7, "p", 3).next_u64(),
            Rng::stream(7, "p", 4).next_u64()
        );
        assert_ne!(
            Rng::stream(7, "p", 3).next_u64(),
            Rng::stream(7, "m", 3).next_u64()
        );
    }

    #[test]
    fn below_and_weights_stay_in_range() {
        let mut r = Rng::new(1);
        for n in [1, 2, 3, 7, 1000] {
            for _ in 0..200 {
                assert!(r.below(n) < n);
            }
        }
        for _ in 0..200 {
            assert_eq!(r.weighted_index([0, 5, 0]), 1);
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
