//! The user-facing data model: plain serde types, exactly the JSON v1 format.
//!
//! These types are what a user writes, in JSON or in Rust. They are not yet
//! checked: [`Instance::new`](crate::Instance::new) validates them, reports
//! every problem at once, and interns them for the engine.

mod availability;
mod company;
mod ids;
mod language;
mod location;
mod people;

pub(crate) use availability::BLOCK_MINUTES;
pub use availability::{
    ParseTimeRangeError, SLOTS_PER_DAY, SLOTS_PER_WEEK, TimeRange, WeekMask, Weekday,
};
pub use company::{Company, Offer, OfferKind};
pub use ids::{CompanyId, MentorId, OfferId, ParticipantId};
pub(crate) use language::is_language_code;
pub use language::{Cefr, Language, ParseCefrError};
pub use location::{EARTH_RADIUS_KM, Location};
pub use people::{Mentor, Participant};
pub use skill::Skill;

mod skill;

/// Largest mentor capacity or offer slot count accepted (a caseload of
/// 1,000 is far beyond any programme; larger values are typos).
pub const MAX_CAPACITY: u32 = 1000;

/// A pair kept (pinned) or never made (forbidden): a participant with either
/// a mentor or an offer.
///
/// ```
/// use mentormatch::model::PairRef;
/// let p: PairRef = serde_json::from_str(r#"{"participant": "p-001", "mentor": "m-01"}"#)?;
/// assert_eq!(p, PairRef::mentor("p-001", "m-01"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRef {
    /// The participant.
    pub participant: ParticipantId,
    /// The mentor, for a mentor pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor: Option<MentorId>,
    /// The offer, for an offer pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferId>,
}

impl PairRef {
    /// A participant–mentor pair.
    ///
    /// ```
    /// use mentormatch::model::PairRef;
    /// assert!(PairRef::mentor("p", "m").offer.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentor(participant: impl Into<ParticipantId>, mentor: impl Into<MentorId>) -> Self {
        PairRef {
            participant: participant.into(),
            mentor: Some(mentor.into()),
            offer: None,
        }
    }

    /// A participant–offer pair.
    ///
    /// ```
    /// use mentormatch::model::PairRef;
    /// assert!(PairRef::offer("p", "c/o").mentor.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer(participant: impl Into<ParticipantId>, offer: impl Into<OfferId>) -> Self {
        PairRef {
            participant: participant.into(),
            mentor: None,
            offer: Some(offer.into()),
        }
    }
}

/// A whole instance as a user writes it (JSON format version 1), before validation.
///
/// ```
/// use mentormatch::model::InstanceData;
/// let data: InstanceData = serde_json::from_str(r#"{"participants": [], "mentors": []}"#)?;
/// assert!(data.companies.is_empty());
/// // Unknown fields are rejected, so a typo is never silently dropped.
/// assert!(serde_json::from_str::<InstanceData>(r#"{"participants": [], "mentors": [], "pined": []}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceData {
    /// Format version; when present it must be 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// People seeking mentors and offers.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Mentors.
    #[serde(default)]
    pub mentors: Vec<Mentor>,
    /// Partner companies with their offers.
    #[serde(default)]
    pub companies: Vec<Company>,
    /// Pairs to keep: they use capacity and are never undone.
    #[serde(default)]
    pub pinned: Vec<PairRef>,
    /// Pairs never to make.
    #[serde(default)]
    pub forbidden: Vec<PairRef>,
}
