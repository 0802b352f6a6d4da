//! Participants and mentors, as a user writes them.

use std::collections::BTreeMap;

use super::{Language, Location, MentorId, OfferKind, ParticipantId, Skill, TimeRange};

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn is_true(b: &bool) -> bool {
    *b
}

/// A person in the programme who seeks a mentor, an offer, or both.
///
/// Optional fields default as in the JSON v1 format: lists empty,
/// `seeks_mentor` true, `work_permit` false, `waiting_days` 0.
///
/// ```
/// use mentormatch::model::{Cefr, Participant};
/// let p: Participant = serde_json::from_str(r#"{
///     "id": "p-001",
///     "languages": [{"code": "ar", "level": "native"}],
///     "location": {"lat": 49.61, "lon": 6.13},
///     "max_travel_km": 25.0
/// }"#)?;
/// assert!(p.seeks_mentor);
/// assert_eq!(p.languages[0].level, Cefr::Native);
/// assert!(p.goals.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Unique among participants.
    pub id: ParticipantId,
    /// Skills from the skills assessment.
    #[serde(default)]
    pub skills: Vec<Skill>,
    /// Languages spoken.
    #[serde(default)]
    pub languages: Vec<Language>,
    /// Where the participant lives.
    pub location: Location,
    /// How far the participant can travel, in km.
    pub max_travel_km: f64,
    /// Weekly availability.
    #[serde(default)]
    pub availability: Vec<TimeRange>,
    /// Sectors of interest.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// Whether a mentor is sought this round.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub seeks_mentor: bool,
    /// The offer kinds sought; empty means no offer this round.
    #[serde(default)]
    pub goals: Vec<OfferKind>,
    /// Whether the participant may work.
    #[serde(default)]
    pub work_permit: bool,
    /// Days waited so far.
    #[serde(default)]
    pub waiting_days: u32,
    /// Tags every mentor of this participant must carry (for example `female`).
    #[serde(default)]
    pub mentor_requirements: Vec<String>,
    /// Audit-only labels (such as gender, origin): read by fairness metrics,
    /// never by rules or scores.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub audit: BTreeMap<String, String>,
}

impl Participant {
    /// A participant with the required fields; everything else at its default.
    ///
    /// ```
    /// use mentormatch::model::{Location, Participant};
    /// let p = Participant::new("p-1", Location::new(49.6, 6.1), 20.0);
    /// assert_eq!(p.waiting_days, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: impl Into<ParticipantId>, location: Location, max_travel_km: f64) -> Self {
        Participant {
            id: id.into(),
            skills: Vec::new(),
            languages: Vec::new(),
            location,
            max_travel_km,
            availability: Vec::new(),
            sectors: Vec::new(),
            seeks_mentor: true,
            goals: Vec::new(),
            work_permit: false,
            waiting_days: 0,
            mentor_requirements: Vec::new(),
            audit: BTreeMap::new(),
        }
    }
}

/// A mentor, employed or retired, who takes up to `capacity` participants.
///
/// ```
/// use mentormatch::model::Mentor;
/// let m: Mentor = serde_json::from_str(r#"{
///     "id": "m-01",
///     "languages": [{"code": "fr", "level": "C2"}],
///     "location": {"lat": 49.50, "lon": 5.98},
///     "max_travel_km": 30.0,
///     "capacity": 3,
///     "tags": ["retired"]
/// }"#)?;
/// assert_eq!(m.capacity, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mentor {
    /// Unique among mentors.
    pub id: MentorId,
    /// Professional expertise.
    #[serde(default)]
    pub skills: Vec<Skill>,
    /// Languages spoken.
    #[serde(default)]
    pub languages: Vec<Language>,
    /// Where the mentor meets.
    pub location: Location,
    /// How far the mentor can travel, in km.
    pub max_travel_km: f64,
    /// Weekly availability.
    #[serde(default)]
    pub availability: Vec<TimeRange>,
    /// Sectors of expertise.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// Most participants at once (the caseload), 1..=[`MAX_CAPACITY`](crate::model::MAX_CAPACITY).
    pub capacity: u32,
    /// Tags that participants' `mentor_requirements` refer to.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Mentor {
    /// A mentor with the required fields; everything else empty.
    ///
    /// ```
    /// use mentormatch::model::{Location, Mentor};
    /// let m = Mentor::new("m-1", Location::new(49.6, 6.1), 30.0, 2);
    /// assert_eq!(m.capacity, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        id: impl Into<MentorId>,
        location: Location,
        max_travel_km: f64,
        capacity: u32,
    ) -> Self {
        Mentor {
            id: id.into(),
            skills: Vec::new(),
            languages: Vec::new(),
            location,
            max_travel_km,
            availability: Vec::new(),
            sectors: Vec::new(),
            capacity,
            tags: Vec::new(),
        }
    }
}
