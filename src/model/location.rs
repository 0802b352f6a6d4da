//! Places on the earth and the distance between them.

/// Mean earth radius (IUGG), in kilometres, used by [`Location::distance_km`].
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point given by latitude and longitude in degrees (WGS 84).
///
/// Values are checked (finite, in range) when the [`Instance`](crate::Instance)
/// is built; floats stop at this edge and the engine compares integer metres.
///
/// ```
/// use mentormatch::model::Location;
/// let luxembourg = Location::new(49.6116, 6.1319);
/// let esch = Location::new(49.4958, 5.9806);
/// let d = luxembourg.distance_km(esch);
/// assert!((d - 16.9).abs() < 0.5, "{d}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Latitude in degrees, -90..=90.
    pub lat: f64,
    /// Longitude in degrees, -180..=180.
    pub lon: f64,
}

impl Location {
    /// A location from latitude and longitude in degrees.
    ///
    /// ```
    /// use mentormatch::model::Location;
    /// assert_eq!(Location::new(51.05, 13.74).lat, 51.05);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(lat: f64, lon: f64) -> Self {
        Location { lat, lon }
    }

    /// Great-circle distance in kilometres (haversine, R = [`EARTH_RADIUS_KM`]).
    ///
    /// ```
    /// use mentormatch::model::Location;
    /// let a = Location::new(0.0, 0.0);
    /// assert_eq!(a.distance_km(a), 0.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn distance_km(self, other: Location) -> f64 {
        haversine_km(
            self.lat.to_radians(),
            self.lon.to_radians(),
            other.lat.to_radians(),
            other.lon.to_radians(),
        )
    }
}

/// Haversine distance between two points given in radians.
pub(crate) fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}
