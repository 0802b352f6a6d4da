//! Partner companies and their offers.

use std::fmt;

use super::{CompanyId, Language, Location, OfferId, Skill, TimeRange};

/// What a company offers.
///
/// ```
/// use mentormatch::model::OfferKind;
/// let k: OfferKind = serde_json::from_str("\"discovery_day\"")?;
/// assert_eq!(k, OfferKind::DiscoveryDay);
/// assert_eq!(k.to_string(), "discovery_day");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A day in a department.
    DiscoveryDay,
    /// An internship.
    Internship,
    /// Vocational training.
    Apprenticeship,
    /// A job.
    Job,
}

impl OfferKind {
    /// All kinds.
    pub const ALL: [OfferKind; 4] = [
        OfferKind::DiscoveryDay,
        OfferKind::Internship,
        OfferKind::Apprenticeship,
        OfferKind::Job,
    ];

    /// The kind as written in JSON.
    ///
    /// ```
    /// use mentormatch::model::OfferKind;
    /// assert_eq!(OfferKind::Job.as_str(), "job");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::DiscoveryDay => "discovery_day",
            OfferKind::Internship => "internship",
            OfferKind::Apprenticeship => "apprenticeship",
            OfferKind::Job => "job",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for OfferKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A partner company that opens its doors.
///
/// ```
/// use mentormatch::model::Company;
/// let c: Company = serde_json::from_str(r#"{
///     "id": "c-01", "name": "Clinique du Parc", "sector": "health",
///     "location": {"lat": 49.63, "lon": 6.17},
///     "offers": [{"id": "c-01/day", "kind": "discovery_day", "slots": 2}]
/// }"#)?;
/// assert_eq!(c.offers[0].slots, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Unique among companies.
    pub id: CompanyId,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The company's sector, matched against participants' sectors.
    #[serde(default)]
    pub sector: String,
    /// Where the offers take place.
    pub location: Location,
    /// What the company offers this round.
    #[serde(default)]
    pub offers: Vec<Offer>,
}

/// One offer: a discovery day, internship, apprenticeship or job, with slots.
///
/// ```
/// use mentormatch::model::{Offer, OfferKind};
/// let o = Offer::new("c-01/intern-1", OfferKind::Internship, 2);
/// assert!(!o.needs_work_permit);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// Unique among all offers.
    pub id: OfferId,
    /// What it is.
    pub kind: OfferKind,
    /// How many participants it takes, 1..=[`MAX_CAPACITY`](crate::model::MAX_CAPACITY).
    pub slots: u32,
    /// Skills a participant must have, each at least at its level.
    #[serde(default)]
    pub required_skills: Vec<Skill>,
    /// Languages a participant must speak, each at least at its level.
    #[serde(default)]
    pub required_languages: Vec<Language>,
    /// When it takes place; the participant must be available for all of it.
    #[serde(default)]
    pub schedule: Vec<TimeRange>,
    /// Whether a work permit is required.
    #[serde(default)]
    pub needs_work_permit: bool,
}

impl Offer {
    /// An offer with no requirements.
    ///
    /// ```
    /// use mentormatch::model::{Offer, OfferKind};
    /// assert_eq!(Offer::new("o", OfferKind::Job, 1).slots, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: impl Into<OfferId>, kind: OfferKind, slots: u32) -> Self {
        Offer {
            id: id.into(),
            kind,
            slots,
            required_skills: Vec::new(),
            required_languages: Vec::new(),
            schedule: Vec::new(),
            needs_work_permit: false,
        }
    }
}
