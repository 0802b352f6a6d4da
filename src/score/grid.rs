//! A latitude/longitude grid of providers, so that a participant's
//! candidates are looked up near them instead of among all providers.
//!
//! A query returns a superset of the providers within a radius (every
//! provider whose cell intersects a box that contains the radius); the exact
//! haversine rule is applied afterwards. The box is conservative: its
//! latitude half-width is the radius in degrees, and its longitude
//! half-width is that divided by the cosine of the most poleward latitude
//! the radius can reach (a great-circle path within the radius cannot go
//! further poleward), plus a margin. Near a pole, or for radii spanning half
//! the globe, the query returns every provider.

use crate::instance::Geo;

/// Kilometres per degree of latitude on the sphere of radius 6371.0088 km.
const KM_PER_DEG: f64 = 111.195;
/// Cell edge in degrees.
const CELL_DEG: f64 = 0.25;
/// Relative safety margin on the box.
const MARGIN: f64 = 1.01;

/// The cells of the smallest rectangle of cells holding every provider,
/// stored compressed: `ids[start[c]..start[c + 1]]` are cell `c`'s
/// providers, in increasing index order unless [`Grid::sort_cells_by`]
/// ordered them otherwise (at most 720 × 1440 cells, a few MiB for the
/// whole globe).
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    lat0: i32,
    rows: i32,
    lon0: i32,
    cols: i32,
    start: Vec<u32>,
    ids: Vec<u32>,
}

fn lat_cell(lat_deg: f64) -> i32 {
    (lat_deg / CELL_DEG).floor() as i32
}

fn lon_cells() -> i32 {
    (360.0 / CELL_DEG).ceil() as i32
}

fn lon_cell(lon_deg: f64) -> i32 {
    (((lon_deg + 180.0) / CELL_DEG).floor() as i32).clamp(0, lon_cells() - 1)
}

/// The (latitude, longitude) cell of a location.
pub(crate) fn cell_key(g: &Geo) -> (i32, i32) {
    (lat_cell(g.lat.to_degrees()), lon_cell(g.lon.to_degrees()))
}

impl Grid {
    /// Index `items` (provider index, location), given in increasing index
    /// order.
    pub(crate) fn new(items: impl Iterator<Item = (u32, Geo)>) -> Self {
        let keyed: Vec<(i32, i32, u32)> = items
            .map(|(i, g)| {
                (
                    lat_cell(g.lat.to_degrees()),
                    lon_cell(g.lon.to_degrees()),
                    i,
                )
            })
            .collect();
        if keyed.is_empty() {
            return Grid::default();
        }
        let lat0 = keyed.iter().map(|k| k.0).min().unwrap_or(0);
        let lon0 = keyed.iter().map(|k| k.1).min().unwrap_or(0);
        let rows = keyed.iter().map(|k| k.0).max().unwrap_or(0) - lat0 + 1;
        let cols = keyed.iter().map(|k| k.1).max().unwrap_or(0) - lon0 + 1;
        let cell = |a: i32, b: i32| ((a - lat0) * cols + (b - lon0)) as usize;
        let mut start = vec![0u32; (rows * cols) as usize + 1];
        for &(a, b, _) in &keyed {
            start[cell(a, b) + 1] += 1;
        }
        for c in 0..(rows * cols) as usize {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut ids = vec![0u32; keyed.len()];
        for &(a, b, i) in &keyed {
            let f = &mut fill[cell(a, b)];
            ids[*f as usize] = i;
            *f += 1;
        }
        Grid {
            lat0,
            rows,
            lon0,
            cols,
            start,
            ids,
        }
    }

    /// Number of providers indexed.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Each cell's positions `start[c]..start[c + 1]` in [`Grid::ids`],
    /// indexed by cell.
    pub(crate) fn cells(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.start.windows(2).map(|w| w[0] as usize..w[1] as usize)
    }

    /// The providers in cell order: positions `start[c]..start[c + 1]`
    /// are cell `c`'s, in increasing index order unless
    /// [`Grid::sort_cells_by`] ordered them otherwise.
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// Order each cell's providers by `key` (ties: index). Queries return
    /// the same cells, so the same providers; only their order within a
    /// cell changes.
    pub(crate) fn sort_cells_by<K: Ord>(&mut self, key: impl Fn(u32) -> K) {
        for w in self.start.windows(2) {
            self.ids[w[0] as usize..w[1] as usize].sort_by_cached_key(|&i| (key(i), i));
        }
    }

    /// Providers possibly within `radius_km` of `at`, each once, in no
    /// particular order, into `out`. Returns false (and leaves `out` empty)
    /// when the box is too large to be worth it: the caller then scans
    /// every provider.
    #[cfg(test)]
    pub(crate) fn near(&self, at: &Geo, radius_km: f64, out: &mut Vec<u32>) -> bool {
        let mut ranges = Vec::new();
        out.clear();
        let ok = self.near_ranges(at, radius_km, &mut ranges, true);
        for (a, b) in ranges {
            out.extend_from_slice(&self.ids[a as usize..b as usize]);
        }
        ok
    }

    /// As [`Grid::near`], but as ranges of positions in [`Grid::ids`]: one
    /// per non-empty cell, or with `merge` adjacent cells of a row merged,
    /// so that a query is a few ranges.
    pub(crate) fn near_ranges(
        &self,
        at: &Geo,
        radius_km: f64,
        out: &mut Vec<(u32, u32)>,
        merge: bool,
    ) -> bool {
        out.clear();
        self.near_cells(at, radius_km, |_, s, e| match out.last_mut() {
            Some(last) if merge && last.1 == s => last.1 = e,
            _ => out.push((s, e)),
        })
    }

    /// As [`Grid::near_ranges`] without merging, the nearest cells first:
    /// by the distance from `at` to the cell's rectangle (in degrees, the
    /// longitude scaled by the cosine of `at`'s latitude; ties in position
    /// order). A scan that keeps the best pairs so far meets the near
    /// ones, which score higher on distance, before the far ones, which
    /// its bound then leaves unscored.
    pub(crate) fn near_ranges_nearest_first(
        &self,
        at: &Geo,
        radius_km: f64,
        out: &mut Vec<(u32, u32)>,
        keyed: &mut Vec<(f64, u32, u32)>,
    ) -> bool {
        out.clear();
        keyed.clear();
        let (lat, lon) = (at.lat.to_degrees(), at.lon.to_degrees());
        let scale = at.lat.cos();
        let ok = self.near_cells(at, radius_km, |(a, k), s, e| {
            let gap = |x: f64, lo: f64| (lo - x).max(x - (lo + CELL_DEG)).max(0.0);
            let dy = gap(lat, f64::from(a) * CELL_DEG);
            let dx = gap(lon, f64::from(k) * CELL_DEG - 180.0) * scale;
            keyed.push((dy * dy + dx * dx, s, e));
        });
        keyed.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        out.extend(keyed.iter().map(|&(_, s, e)| (s, e)));
        ok
    }

    /// The non-empty cells of the box of [`Grid::near`], row by row, each
    /// handed to `cell` as its (row, unwrapped column) and its positions
    /// `s..e`. False when the box is too large (no cell handed).
    fn near_cells(
        &self,
        at: &Geo,
        radius_km: f64,
        mut cell: impl FnMut((i32, i32), u32, u32),
    ) -> bool {
        let lat = at.lat.to_degrees();
        let dlat = radius_km / KM_PER_DEG * MARGIN + 1e-9;
        let pole = lat.abs() + dlat;
        if pole >= 89.0 || dlat >= 45.0 {
            return false;
        }
        let dlon = dlat / pole.to_radians().cos();
        if dlon >= 90.0 {
            return false;
        }
        if self.ids.is_empty() {
            return true;
        }
        let a_lo = lat_cell(lat - dlat).max(self.lat0);
        let a_hi = lat_cell(lat + dlat).min(self.lat0 + self.rows - 1);
        let lon = at.lon.to_degrees();
        let n = lon_cells();
        let mut lo = (((lon - dlon) + 180.0) / CELL_DEG).floor() as i32;
        let mut hi = (((lon + dlon) + 180.0) / CELL_DEG).floor() as i32;
        if hi - lo + 1 >= n {
            // The box goes round the globe: every column once.
            (lo, hi) = (0, n - 1);
        }
        for a in a_lo..=a_hi {
            let row = (a - self.lat0) * self.cols;
            for k in lo..=hi {
                let b = k.rem_euclid(n) - self.lon0;
                if (0..self.cols).contains(&b) {
                    let c = (row + b) as usize;
                    let (s, e) = (self.start[c], self.start[c + 1]);
                    if s != e {
                        cell((a, k), s, e);
                    }
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn geo(lat: f64, lon: f64) -> Geo {
        Geo::new(Location::new(lat, lon))
    }

    /// Every point within the radius is returned, wherever on the globe.
    #[test]
    fn query_is_a_superset_of_the_radius() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for (clat, clon) in [
            (49.6, 6.1),
            (51.0, 13.7),
            (0.0, 179.9),
            (-33.9, -180.0),
            (78.0, 15.0),
            (-88.5, 0.0),
        ] {
            let pts: Vec<Geo> = (0..600)
                .map(|_| {
                    geo((clat + (next() - 0.5) * 4.0).clamp(-90.0, 90.0), {
                        let l = clon + (next() - 0.5) * 6.0;
                        if l > 180.0 {
                            l - 360.0
                        } else if l < -180.0 {
                            l + 360.0
                        } else {
                            l
                        }
                    })
                })
                .collect();
            let grid = Grid::new(pts.iter().enumerate().map(|(i, g)| (i as u32, *g)));
            let mut out = Vec::new();
            for (k, radius) in [0.0, 5.0, 25.0, 50.0, 120.0].into_iter().enumerate() {
                let at = &pts[k * 7];
                if grid.near(at, radius, &mut out) {
                    let n = out.len();
                    out.sort_unstable();
                    out.dedup();
                    assert_eq!(out.len(), n, "a provider returned twice");
                    for (i, g) in pts.iter().enumerate() {
                        if at.distance_km(g) <= radius {
                            assert!(
                                out.binary_search(&(i as u32)).is_ok(),
                                "missed point {i} at ({clat}, {clon}) r={radius}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// `farther_than` decides exactly as the haversine does, also at the
    /// limit itself (limits set to computed distances, and one ulp around).
    #[test]
    fn farther_than_agrees_with_haversine() {
        let mut seed = 11u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let a = geo(next() * 170.0 - 85.0, next() * 360.0 - 180.0);
            let spread = [0.0, 1e-6, 0.01, 0.5, 3.0, 90.0][(next() * 6.0) as usize];
            let b = geo(
                (a.lat.to_degrees() + (next() - 0.5) * spread).clamp(-90.0, 90.0),
                a.lon.to_degrees() + (next() - 0.5) * spread,
            );
            let d = a.distance_km(&b);
            for limit in [
                d,
                d.next_up(),
                d.next_down().max(0.0),
                d * 1.01,
                d * 0.99,
                0.0,
                next() * 100.0,
                20_038.0,
            ] {
                assert_eq!(
                    a.farther_than(&b, limit, Geo::reach(limit)),
                    d > limit,
                    "{a:?} {b:?} limit {limit}"
                );
            }
        }
    }

    /// Nearest first: the cells of `near_ranges`, each once, the one
    /// holding the point first and the others by their distance.
    #[test]
    fn nearest_first_is_the_same_cells_nearest_first() {
        let pts: Vec<Geo> = (0..40)
            .flat_map(|i| (0..40).map(move |j| (i, j)))
            .map(|(i, j)| geo(50.0 + f64::from(i) * 0.07, 8.0 + f64::from(j) * 0.09))
            .collect();
        let grid = Grid::new(pts.iter().enumerate().map(|(i, g)| (i as u32, *g)));
        let (mut plain, mut near, mut keyed) = (Vec::new(), Vec::new(), Vec::new());
        for (at, radius) in [(&pts[0], 30.0), (&pts[820], 45.0), (&pts[1599], 25.0)] {
            assert!(grid.near_ranges(at, radius, &mut plain, false));
            assert!(grid.near_ranges_nearest_first(at, radius, &mut near, &mut keyed));
            assert!(plain.len() > 1, "{}", plain.len());
            let mut sorted = near.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, plain);
            let own = cell_key(at);
            let first = grid.ids[near[0].0 as usize];
            assert_eq!(cell_key(&pts[first as usize]), own);
            let dist = |r: &(u32, u32)| {
                (r.0..r.1)
                    .map(|k| at.distance_km(&pts[grid.ids[k as usize] as usize]))
                    .fold(f64::INFINITY, f64::min)
            };
            // Cells further by at least a cell's width come later.
            for w in near.windows(2) {
                assert!(dist(&w[0]) <= dist(&w[1]) + 2.0 * CELL_DEG * KM_PER_DEG);
            }
            assert!(dist(&near[0]) <= dist(near.last().unwrap()));
        }
    }

    #[test]
    fn near_the_pole_it_declines() {
        let grid = Grid::new(std::iter::once((0, geo(89.5, 0.0))));
        let mut out = vec![1];
        assert!(!grid.near(&geo(89.5, 10.0), 10.0, &mut out));
        assert!(out.is_empty());
    }
}
