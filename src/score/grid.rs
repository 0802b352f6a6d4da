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

use std::collections::HashMap;

use crate::instance::Geo;

/// Kilometres per degree of latitude on the sphere of radius 6371.0088 km.
const KM_PER_DEG: f64 = 111.195;
/// Cell edge in degrees.
const CELL_DEG: f64 = 0.25;
/// Relative safety margin on the box.
const MARGIN: f64 = 1.01;

#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    cells: HashMap<(i32, i32), Vec<u32>>,
    len: usize,
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

impl Grid {
    /// Index `items` (provider index, location).
    pub(crate) fn new(items: impl Iterator<Item = (u32, Geo)>) -> Self {
        let mut cells: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        let mut len = 0;
        for (i, g) in items {
            len += 1;
            let key = (lat_cell(g.lat.to_degrees()), lon_cell(g.lon.to_degrees()));
            cells.entry(key).or_default().push(i);
        }
        Grid { cells, len }
    }

    /// Number of providers indexed.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Providers possibly within `radius_km` of `at`, sorted by index, into `out`.
    /// Returns false (and leaves `out` empty) when the box is too large to be
    /// worth it: the caller then scans every provider.
    pub(crate) fn near(&self, at: &Geo, radius_km: f64, out: &mut Vec<u32>) -> bool {
        out.clear();
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
        let (lat_lo, lat_hi) = (lat_cell(lat - dlat), lat_cell(lat + dlat));
        let lon = at.lon.to_degrees();
        let n = lon_cells();
        let lo = (((lon - dlon) + 180.0) / CELL_DEG).floor() as i32;
        let hi = (((lon + dlon) + 180.0) / CELL_DEG).floor() as i32;
        let cells_in_box = i64::from(lat_hi - lat_lo + 1) * i64::from(hi - lo + 1);
        if cells_in_box as usize > self.cells.len().max(64) * 4 {
            // Sparse grid, huge box: walking the occupied cells is cheaper.
            for (&(a, b), v) in &self.cells {
                let in_lon = (lo..=hi).any(|k| k.rem_euclid(n) == b);
                if (lat_lo..=lat_hi).contains(&a) && in_lon {
                    out.extend_from_slice(v);
                }
            }
        } else {
            for a in lat_lo..=lat_hi {
                for k in lo..=hi {
                    if let Some(v) = self.cells.get(&(a, k.rem_euclid(n))) {
                        out.extend_from_slice(v);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
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
                    for (i, g) in pts.iter().enumerate() {
                        if at.distance_km(g) <= radius {
                            assert!(
                                out.binary_search(&(i as u32)).is_ok(),
                                "missed point {i} at ({clat}, {clon}) r={radius}"
                            );
                        }
                    }
                    assert!(out.windows(2).all(|w| w[0] < w[1]));
                }
            }
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
